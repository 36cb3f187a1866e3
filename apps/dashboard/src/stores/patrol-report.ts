import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { PatrolReportDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { siteDate } from '../lib/dates';
import { whenZoneKnown } from '../lib/zone-ready';
import { type DayRange, lastDays, rangeProblem, rangeQuery } from './reports-logic';
import { useSitesStore } from './sites';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The manager's patrol compliance over a range (issue 12.5) and the rounds of that range as CSV
 * (issue 12.7). Not live, like the other reports: read when the page asks.
 */
export const usePatrolReportStore = defineStore('patrolReport', () => {
  const sites = useSitesStore();
  const today = () => siteDate(Date.now(), sites.zones[0]?.timezone);
  /** The site's today once its zone is known: a range that follows today waits for it (issue 10 point 2). */
  const siteToday = async () => siteDate(Date.now(), await whenZoneKnown(() => sites.zones[0]?.timezone, () => sites.loadError));
  /** Until the user picks a range it follows the site's today. */
  let picked = false;
  const range = ref<DayRange>(lastDays(today()));
  const report = ref<PatrolReportDto | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const exporting = ref(false);

  /** A change of range while one is loading: only the answer for the latest range is kept. */
  let asked = 0;
  async function load(chosen?: DayRange): Promise<void> {
    if (chosen) picked = true;
    const mine = ++asked;
    loading.value = true;
    try {
      if (!chosen && !picked) {
        const followed = lastDays(await siteToday());
        if (mine !== asked) return;
        range.value = followed;
      }
      const next = chosen ?? range.value;
      range.value = next;
      if (rangeProblem(next)) return;
      const q = rangeQuery(next);
      const answer = await api.patrolReport(q.from, q.to);
      if (mine !== asked) return;
      report.value = answer;
      error.value = null;
    } catch (err) {
      if (mine === asked) error.value = message(err);
    } finally {
      if (mine === asked) loading.value = false;
    }
  }

  /** The range's rounds, a row per checkpoint, saved under the server's file name. */
  async function exportRounds(): Promise<void> {
    exporting.value = true;
    try {
      await api.downloadCsv('/api/patrol/rounds/export.csv', rangeQuery(range.value));
    } catch (err) {
      error.value = message(err);
    } finally {
      exporting.value = false;
    }
  }

  return { range, report, loading, error, exporting, load, exportRounds, today };
});
