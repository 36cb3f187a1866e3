import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DailyReportDto, WorkOrderReportDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { siteDate } from '../lib/dates';
import { openHtmlInNewTab } from '../lib/open-html';
import { whenZoneKnown } from '../lib/zone-ready';
import { type DayRange, lastDays, rangeProblem, rangeQuery } from './reports-logic';
import { useSitesStore } from './sites';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The supervisor's reports: work-order figures over a range and the duty log of a day. Not live:
 * a report is read when asked for (the page loads it on opening and when the range changes).
 */
export const useReportsStore = defineStore('reports', () => {
  const sites = useSitesStore();
  /** The site's today (the first site's zone: the reports count site-local days); this machine's until it is known. */
  const today = () => siteDate(Date.now(), sites.zones[0]?.timezone);
  /**
   * The site's today once its zone is known: a load that follows today waits for it (issue 10
   * point 2) rather than asking for this machine's day, which is another for hours of every day.
   */
  const siteToday = async () => siteDate(Date.now(), await whenZoneKnown(() => sites.zones[0]?.timezone, () => sites.loadError));
  /** Until the user picks a range or a day, both follow the site's today. */
  let picked = false;
  const range = ref<DayRange>(lastDays(today()));
  const workOrders = ref<WorkOrderReportDto | null>(null);
  const workOrdersLoading = ref(false);
  const workOrdersError = ref<string | null>(null);

  const dailyDate = ref(today());
  const daily = ref<DailyReportDto | null>(null);
  const dailyLoading = ref(false);
  const dailyError = ref<string | null>(null);
  const printing = ref(false);

  /** A change of range while one is loading: only the answer for the latest range is kept. */
  let woAsked = 0;
  async function loadWorkOrders(chosen?: DayRange): Promise<void> {
    if (chosen) picked = true;
    const asked = ++woAsked;
    workOrdersLoading.value = true;
    try {
      if (!chosen && !picked) {
        const followed = lastDays(await siteToday());
        if (asked !== woAsked) return;
        range.value = followed;
      }
      const next = chosen ?? range.value;
      range.value = next;
      if (rangeProblem(next)) return;
      const q = rangeQuery(next);
      const report = await api.workOrderReport(q.from, q.to);
      if (asked !== woAsked) return;
      workOrders.value = report;
      workOrdersError.value = null;
    } catch (err) {
      if (asked === woAsked) workOrdersError.value = message(err);
    } finally {
      if (asked === woAsked) workOrdersLoading.value = false;
    }
  }

  let dailyAsked = 0;
  async function loadDaily(chosen?: string): Promise<void> {
    if (chosen) picked = true;
    const asked = ++dailyAsked;
    dailyLoading.value = true;
    try {
      if (!chosen && !picked) {
        const followed = await siteToday();
        if (asked !== dailyAsked) return;
        dailyDate.value = followed;
      }
      const date = chosen ?? dailyDate.value;
      dailyDate.value = date;
      const report = await api.dailyReport(date);
      if (asked !== dailyAsked) return;
      daily.value = report;
      dailyError.value = null;
    } catch (err) {
      if (asked === dailyAsked) dailyError.value = message(err);
    } finally {
      if (asked === dailyAsked) dailyLoading.value = false;
    }
  }

  /** 打印: the day's printable page in a new tab (the user prints it with Ctrl+P there). */
  async function printDaily(): Promise<void> {
    printing.value = true;
    try {
      await openHtmlInNewTab(() => api.dailyReportHtml(dailyDate.value));
      dailyError.value = null;
    } catch (err) {
      dailyError.value = message(err);
    } finally {
      printing.value = false;
    }
  }

  function reset(): void {
    picked = false;
    range.value = lastDays(today());
    dailyDate.value = today();
    workOrders.value = null;
    daily.value = null;
    workOrdersError.value = null;
    dailyError.value = null;
  }

  return {
    range, workOrders, workOrdersLoading, workOrdersError, loadWorkOrders,
    dailyDate, daily, dailyLoading, dailyError, loadDaily, printing, printDaily, reset, today,
  };
});
