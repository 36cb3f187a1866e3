// Site-local calendar arithmetic for patrol schedules: "09:30 on 2026-11-27 in Asia/Shanghai"
// as an instant, and the local date of an instant (CONTRACT §3: rounds are per local day).
import { offsetMinutes } from './time';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant of `hhmm` (plus `plusMin` minutes) on site-local `date` (YYYY-MM-DD). */
export function localTime(date: string, hhmm: string, timeZone: string, plusMin = 0): number {
  const [y, m, d] = parseDate(date);
  const [h, mi] = hhmm.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, h, mi + plusMin);
  // The offset depends on the instant we are looking for; two rounds settle it (also across DST).
  let guess = wall - offsetMinutes(wall, timeZone) * 60_000;
  guess = wall - offsetMinutes(guess, timeZone) * 60_000;
  return guess;
}

/** The site-local date (YYYY-MM-DD) at instant `ms`. */
export function localDate(ms: number, timeZone: string): string {
  return new Date(ms + offsetMinutes(ms, timeZone) * 60_000).toISOString().slice(0, 10);
}

/** `date` moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of a calendar date; used to rotate guards from one day to the next. */
export function dayNumber(date: string): number {
  const [y, m, d] = parseDate(date);
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

function parseDate(date: string): [number, number, number] {
  const match = DATE.exec(date);
  const parts = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [];
  const [y, m, d] = parts as [number, number, number];
  if (!match || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) throw new Error(`not a calendar date (YYYY-MM-DD): "${date}"`);
  return [y, m, d];
}
