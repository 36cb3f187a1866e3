// Pure rules behind the reports page: the date range asked for (the page's last day is
// inclusive, the API's `to` exclusive), how durations and percentages read, and how good an
// SLA figure looks. No Vue, no I/O: unit-tested.
import { addDays } from '../lib/dates';

/** A range as the page shows it: both days inclusive, site-local dates YYYY-MM-DD. */
export interface DayRange {
  from: string;
  to: string;
}

/** The API's longest range (apps/server/src/reports/README.md). */
export const MAX_RANGE_DAYS = 366;

/** The last `days` days up to and including `today`: 30 by default, as the server's own default. */
export function lastDays(today: string, days = 30): DayRange {
  return { from: addDays(today, -(days - 1)), to: today };
}

/** The calendar month containing `today` (up to today), or the one `back` months before it, whole. */
export function monthRange(today: string, back = 0): DayRange {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 1 - back, 1));
  const from = first.toISOString().slice(0, 10);
  if (back === 0) return { from, to: today };
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
  return { from, to: last.toISOString().slice(0, 10) };
}

/** The query for GET /api/reports/work-orders: `to` is exclusive there, so the day after the last. */
export function rangeQuery(range: DayRange): { from: string; to: string } {
  return { from: range.from, to: addDays(range.to, 1) };
}

export function rangeDays(range: DayRange): number {
  return Math.round((Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** What is wrong with a range before asking the server (which would answer 400 for the same). */
export function rangeProblem(range: DayRange): 'order' | 'tooLong' | null {
  if (range.from > range.to) return 'order';
  return rangeDays(range) > MAX_RANGE_DAYS ? 'tooLong' : null;
}

export interface DurationText {
  value: string;
  unit: 'min' | 'h' | 'd';
}

/**
 * Minutes as a person reads a work-order time: minutes under an hour, hours under two days,
 * days beyond. One decimal where it helps ("1.5 小时"), none where it is noise ("45 分").
 */
export function durationText(minutes: number | null): DurationText | null {
  if (minutes === null || !Number.isFinite(minutes)) return null;
  const one = (n: number) => (Math.round(n * 10) / 10).toFixed(n >= 10 ? 0 : 1).replace(/\.0$/, '');
  // Under a minute reads as "<1 分", not "0 分" (which looks like no time at all, or no data).
  if (minutes < 1) return { value: '<1', unit: 'min' };
  if (minutes < 60) return { value: minutes < 10 ? one(minutes) : String(Math.round(minutes)), unit: 'min' };
  if (minutes < 48 * 60) return { value: one(minutes / 60), unit: 'h' };
  return { value: one(minutes / 1440), unit: 'd' };
}

/** A percentage as the server sends it (one decimal, null with nothing to count). */
export function pctText(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return '—';
  return `${Number.isInteger(pct) ? pct : pct.toFixed(1)}%`;
}

export type Grade = 'good' | 'fair' | 'poor' | 'none';

/**
 * How a rate looks at a glance. 90 % and 75 % are this page's own lines (the contract sets
 * no target); colour only marks the rows to look at, the number is what counts.
 */
export function grade(pct: number | null): Grade {
  if (pct === null) return 'none';
  if (pct >= 90) return 'good';
  return pct >= 75 ? 'fair' : 'poor';
}
