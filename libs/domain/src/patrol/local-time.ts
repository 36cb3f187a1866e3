// Site-local calendar arithmetic over Intl (CONTRACT §2: schedules are HH:MM in the site's time zone).
// No Date.now(): every function is given its instant.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM = /^(\d{2}):(\d{2})$/;
const HOUR_MS = 3600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone. */
function wallFields(ms: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { y: n('year'), mo: n('month'), d: n('day'), h: n('hour'), mi: n('minute'), s: n('second') };
}

/** Offset of the zone from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const w = wallFields(ms, timeZone);
  const wall = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The site-local calendar date (YYYY-MM-DD) of an instant. */
export function localDateOf(at: Date, timeZone: string): string {
  const w = wallFields(at.getTime(), timeZone);
  return `${w.y}-${pad(w.mo)}-${pad(w.d)}`;
}

/** The site-local wall time HH:MM of an instant. */
export function localTimeOf(at: Date, timeZone: string): string {
  const w = wallFields(at.getTime(), timeZone);
  return `${pad(w.h)}:${pad(w.mi)}`;
}

/** A calendar date moved by whole days (no zone involved). */
export function shiftDate(date: string, days: number): string {
  const [y, m, d] = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * The instant a site-local date and HH:MM denote. Where the wall time happens twice (clocks go
 * back) it is the first; where it does not exist (clocks go forward) it is the same distance past
 * the gap, as a guard's watch set the evening before would read it (Temporal's 'compatible').
 */
export function zonedInstant(date: string, hhmm: string, timeZone: string): Date {
  const [y, m, d] = parseDate(date);
  const t = HHMM.exec(hhmm);
  if (!t) throw new RangeError(`not a time HH:MM: ${hhmm}`);
  const wall = Date.UTC(y, m - 1, d, Number(t[1]), Number(t[2]));
  // The offsets in force half a day either side cover any single transition near this wall time.
  const before = zoneOffsetMs(wall - 12 * HOUR_MS, timeZone);
  const after = zoneOffsetMs(wall + 12 * HOUR_MS, timeZone);
  const valid = [wall - before, wall - after].filter((ms) => wall - zoneOffsetMs(ms, timeZone) === ms);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(wall - before);
}

function parseDate(date: string): [number, number, number] {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
