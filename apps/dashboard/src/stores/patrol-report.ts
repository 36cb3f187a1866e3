import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { PatrolReportDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { siteDate } from '../lib/dates';
import { type DayRange, lastDays, rangeProblem, rangeQuery } from './reports-logic';
import { useSitesStore } from './sites';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The manager's patrol compliance over a range (issue 12.5) and the rounds of that range as CSV
 * (issue 12.7). Not live, like the other reports: read when the page asks.
 */
export const usePatrolReportStore = defineStore('patrolReport', () => {
  const sites = useSitesStore();
  const today = () => siteDate(Date.now(), sites.sites[0]?.timezone);
  /** Until the user picks a range it follows the site's today (the zone may arrive after this store). */
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
    else if (!picked) range.value = lastDays(today());
    const next = chosen ?? range.value;
    range.value = next;
    if (rangeProblem(next)) return;
    const mine = ++asked;
    loading.value = true;
    try {
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

  // Opened before the sites arrived (a reload on this page), the range began from this machine's
  // date; once the site's zone is known, an unpicked range follows the site's today and loads again
  // (at 03:00 in Shanghai a UTC machine is still on yesterday).
  watch(
    () => sites.sites[0]?.timezone,
    (zone, before) => {
      if (zone && zone !== before && !picked && asked > 0) void load();
    },
  );

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
