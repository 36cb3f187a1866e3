// One site clock (issue 10.2): every conversion between an instant and a site's wall clock, for
// the server, the simulator and the dashboard alike (CONTRACT §2: schedules are HH:MM in the
// site's time zone; §3: rounds are per site-local day). Pure: every function is given its
// instant, and nothing here imports more than the platform's Intl, so the dashboard can bundle it.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM = /^(\d{2}):(\d{2})$/;
const MINUTE_MS = 60_000;
const HOUR_MS = 3600_000;
const DAY_MS = 86_400_000;

/** A site's wall clock at one instant. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// Building an Intl.DateTimeFormat costs far more than formatting with one: one per zone.
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

const ms = (at: Date | number): number => (typeof at === 'number' ? at : at.getTime());

/**
 * Each zone's last answer, by whole second: the fields stop at seconds, so every instant of one
 * second has the same wall clock, and a burst of taps asks for the same few seconds over and over
 * (formatToParts was the largest part of the patrol handler's CPU in the path bench).
 */
const lastWallClock = new Map<string, { second: number; wall: WallClock }>();

/** The wall clock of `timeZone` at an instant (hours 0–23). */
export function wallClockOf(at: Date | number, timeZone: string): WallClock {
  const second = Math.floor(ms(at) / 1000);
  const last = lastWallClock.get(timeZone);
  if (last?.second === second) return { ...last.wall };
  const parts = formatter(timeZone).formatToParts(new Date(second * 1000));
  const n = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  const wall = { year: n('year'), month: n('month'), day: n('day'), hour: n('hour') % 24, minute: n('minute'), second: n('second') };
  lastWallClock.set(timeZone, { second, wall });
  return { ...wall };
}

/** Offset of the zone from UTC at an instant, in ms (Asia/Shanghai: +8 h, New York in winter: −5 h). */
export function zoneOffsetMs(at: Date | number, timeZone: string): number {
  const t = ms(at);
  const w = wallClockOf(t, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
}

/** The site-local calendar date (YYYY-MM-DD) of an instant. */
export function localDateOf(at: Date | number, timeZone: string): string {
  const w = wallClockOf(at, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** The site-local wall time of an instant: HH:MM, or HH:MM:SS with `seconds`. */
export function localTimeOf(at: Date | number, timeZone: string, seconds = false): string {
  const w = wallClockOf(at, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}${seconds ? `:${pad(w.second)}` : ''}`;
}

/**
 * `2026-12-04 18:05` (`18:05:09` with `seconds`): a site time as the CSV exports, the printed
 * duty log and the Chinese screens write it (year first: it sorts, and no one misreads 04/12).
 */
export function localDateTimeOf(at: Date | number, timeZone: string, seconds = false): string {
  const w = wallClockOf(at, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}${seconds ? `:${pad(w.second)}` : ''}`;
}

/**
 * The instant a site-local date and HH:MM denote. Where the wall time happens twice (clocks go
 * back) it is the first; where it does not exist (clocks go forward) it is the same distance past
 * the gap, as a guard's watch set the evening before would read it (Temporal's 'compatible').
 */
export function zonedInstant(date: string, hhmm: string, timeZone: string): Date {
  const [y, m, d] = parseDate(date);
  const t = HHMM.exec(hhmm);
  if (!t || Number(t[1]) > 23 || Number(t[2]) > 59) throw new RangeError(`not a time HH:MM: ${hhmm}`);
  const wall = Date.UTC(y, m - 1, d, Number(t[1]), Number(t[2]));
  // The offsets in force half a day either side cover any single transition near this wall time.
  const before = zoneOffsetMs(wall - 12 * HOUR_MS, timeZone);
  const after = zoneOffsetMs(wall + 12 * HOUR_MS, timeZone);
  const valid = [wall - before, wall - after].filter((at) => wall - zoneOffsetMs(at, timeZone) === at);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(wall - before);
}

/** The instant a site-local calendar day begins: its first instant (after the gap, if midnight is skipped). */
export function localDayStart(date: string, timeZone: string): Date {
  return zonedInstant(date, '00:00', timeZone);
}

/** [from, to) of one site-local day: 24 h, or 23/25 on a daylight-saving change. */
export function localDayBounds(date: string, timeZone: string): { from: Date; to: Date } {
  return { from: localDayStart(date, timeZone), to: localDayStart(shiftDate(date, 1), timeZone) };
}

/** A calendar date moved by whole days (no zone involved; negative: earlier). */
export function shiftDate(date: string, days: number): string {
  const [y, m, d] = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of a calendar date (rotates guards from one day to the next). */
export function dayNumber(date: string): number {
  const [y, m, d] = parseDate(date);
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

/**
 * RFC 3339 with the site's own offset, as a device on site prints its `ts` (CONTRACT §1:
 * `2026-11-27T09:31:05.120+08:00`); without `withMs`, `2026-11-27T09:31:05+08:00`.
 */
export function rfc3339InZone(at: Date | number, timeZone: string, withMs = false): string {
  const t = ms(at);
  const offsetMin = Math.round(zoneOffsetMs(t, timeZone) / MINUTE_MS);
  const local = new Date(t + offsetMin * MINUTE_MS).toISOString().slice(0, withMs ? 23 : 19);
  const abs = Math.abs(offsetMin);
  return `${local}${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** YYYY-MM-DD naming a real day: 2026-02-30 is refused, not read as 2 March. */
export function isCalendarDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(y, mo - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d;
}

function parseDate(date: string): [number, number, number] {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date YYYY-MM-DD: ${date}`);
  const m = DATE.exec(date)!;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
