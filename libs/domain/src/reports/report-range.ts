// Which instants a report covers (issue 3.5): site-local days for dates, exact instants for
// date-times, and the limits that keep one request from scanning years of orders.

import { isCalendarDate, localDateOf, localDayStart, shiftDate } from '../time/site-clock';

const DAY_MS = 24 * 3600_000;
export const DEFAULT_REPORT_DAYS = 30;
export const MAX_REPORT_DAYS = 366;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export type ReportRange = { ok: true; from: Date; to: Date } | { ok: false; message: string };

/**
 * `from` inclusive, `to` exclusive. A date (YYYY-MM-DD) means the start of that site-local day, so
 * from=2026-11-01&to=2026-12-01 is November. A date-time is taken as the instant it names.
 * Defaults: `to` is the end of today (site-local), `from` is 30 days before `to`.
 * Refused (with what to send instead): from ≥ to, or more than 366 days.
 */
export function resolveReportRange(query: { from?: string; to?: string }, now: Date, timeZone: string): ReportRange {
  // 2026-02-30 is no day at all: refused below with the rest, not read as 2 March.
  const instant = (value: string) => (!DATE_ONLY.test(value) ? new Date(value) : isCalendarDate(value) ? localDayStart(value, timeZone) : new Date(NaN));
  const to = query.to !== undefined ? instant(query.to) : localDayStart(shiftDate(localDateOf(now, timeZone), 1), timeZone);
  const from =
    query.from !== undefined
      ? instant(query.from)
      : query.to !== undefined && DATE_ONLY.test(query.to)
        ? localDayStart(shiftDate(query.to, -DEFAULT_REPORT_DAYS), timeZone)
        : new Date(to.getTime() - DEFAULT_REPORT_DAYS * DAY_MS);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    return { ok: false, message: 'from and to must be dates (YYYY-MM-DD) or date-times with an offset (2026-11-01T08:00:00+08:00)' };
  }
  if (from >= to) {
    return { ok: false, message: `from (${from.toISOString()}) must be before to (${to.toISOString()}); to is exclusive, so one day is from=2026-11-01&to=2026-11-02` };
  }
  // One hour of slack: 366 site-local days span 366 × 24 h ± 1 h across a DST change.
  if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * DAY_MS + 3600_000) {
    const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
    return { ok: false, message: `the range is ${days} days; at most ${MAX_REPORT_DAYS} days per report — ask for a year at a time` };
  }
  return { ok: true, from, to };
}
