// Dates and times on screen, always in the site's time zone (issue 12.5), whatever zone this
// browser is in. The arithmetic is the domain's one site clock (issue 10.2); this file only
// chooses how a time reads: one format per language, from one function.
import { localDateOf, localDayStart, rfc3339InZone, shiftDate, wallClockOf, zoneOffsetMs } from '@estate-watch/domain/time';

/** The zone this browser runs in (the operator's PC, not the estate). */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Where a time's zone comes from: a row that carries its site's zone (alerts, work orders and
 * rounds do: issue 10 point 2), or the site id of one that does not (its zone from GET /api/sites).
 */
export type RowZone = { timezone: string } | string | undefined;

/** The zone of a site (its own when known, else the first site's, else this browser's while none has loaded). */
export function siteZone(sites: readonly { id: string; timezone: string }[], siteId?: string): string {
  return (siteId !== undefined ? sites.find((s) => s.id === siteId)?.timezone : undefined) ?? sites[0]?.timezone ?? browserZone();
}

/**
 * Today in the site's zone (YYYY-MM-DD): the reports and the patrol board count a site's days, so
 * the pickers' "today" is the site's, whatever zone this browser is in (this machine's calendar
 * when no zone is known yet).
 */
export function siteDate(now: number, timeZone: string | undefined): string {
  return localDateOf(now, timeZone ?? browserZone());
}

/** A YYYY-MM-DD date moved by whole days (calendar arithmetic, no time zone involved). */
export const addDays = shiftDate;

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const isEnglish = (locale: string) => locale.toLowerCase().startsWith('en');

function instant(iso: string | undefined | null): number | undefined {
  if (!iso) return undefined;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * A time with its date in the site's zone, the one date format per language: `2026-12-04 18:05`
 * in Chinese (year first: it sorts), `4 Dec 2026 18:05` in English (the month
 * in words: no one reads 04/12 as April). Seconds where an audit trail needs them; '—' for no time.
 */
export function siteDateTime(iso: string | undefined | null, timeZone: string, options: { locale?: string; seconds?: boolean } = {}): string {
  const at = instant(iso);
  if (at === undefined) return '—';
  const w = wallClockOf(at, timeZone);
  const time = `${pad(w.hour)}:${pad(w.minute)}${options.seconds ? `:${pad(w.second)}` : ''}`;
  return isEnglish(options.locale ?? 'zh-CN')
    ? `${w.day} ${MONTHS[w.month - 1]} ${w.year} ${time}`
    : `${w.year}-${pad(w.month)}-${pad(w.day)} ${time}`;
}

/** A site-local calendar date (YYYY-MM-DD) as the same language writes it: `2026-12-04` / `4 Dec 2026`. */
export function calendarDate(date: string, locale: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return isEnglish(locale) && m >= 1 && m <= 12 ? `${d} ${MONTHS[m - 1]} ${y}` : date;
}

/** A day without its year, for a chart's axis: `12-04` in Chinese, `4 Dec` in English. */
export function siteShortDate(at: number, timeZone: string, locale: string): string {
  const w = wallClockOf(at, timeZone);
  return isEnglish(locale) ? `${w.day} ${MONTHS[w.month - 1]}` : `${pad(w.month)}-${pad(w.day)}`;
}

/** `18:05` (or `18:05:09`) in the site's zone: the same in both languages; '—' for no time. */
export function siteClock(iso: string | undefined | null, timeZone: string, seconds = false): string {
  const at = instant(iso);
  if (at === undefined) return '—';
  const w = wallClockOf(at, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}${seconds ? `:${pad(w.second)}` : ''}`;
}

/** The zone to name beside times: the site's, when this browser's differs; otherwise undefined. */
export function zoneNote(timeZone: string, browser = browserZone()): string | undefined {
  return timeZone === browser ? undefined : timeZone;
}

/**
 * How the site's zone is named on screen: a short name in the reader's language (中国时间, China
 * Time) and, for the tooltip, the IANA id with the offset now in force (Asia/Shanghai · UTC+08:00).
 */
export function zoneLabel(timeZone: string, locale: string, now: number): { short: string; full: string } {
  const part = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'shortGeneric' }).formatToParts(now).find((p) => p.type === 'timeZoneName');
  const offsetMin = Math.round(zoneOffsetMs(now, timeZone) / 60_000);
  const abs = Math.abs(offsetMin);
  const offset = `UTC${offsetMin < 0 ? '−' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return { short: part?.value ?? timeZone, full: `${timeZone} · ${offset}` };
}

/** The instant a site-local date begins, as RFC 3339 with its offset (`2026-11-27T00:00:00+08:00`), for from/to. */
export function siteDayStart(date: string, timeZone: string): string {
  return rfc3339InZone(localDayStart(date, timeZone), timeZone);
}
