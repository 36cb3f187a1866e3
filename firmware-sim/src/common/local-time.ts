// Site-local calendar arithmetic for the simulator's plans, in the simulator's own units (epoch
// ms). Every conversion is the domain's one site clock, so a simulated guard taps "09:30 in
// Asia/Shanghai" at the very instant the server plans it, across daylight-saving changes too.
import { dayNumber as domainDayNumber, localDateOf, shiftDate, zonedInstant } from '@estate-watch/domain';

/**
 * The instant of `hhmm` on site-local `date` (YYYY-MM-DD), plus `plusMin` elapsed minutes
 * (CONTRACT §3: Pᵢ = start + offsetMinᵢ, so a round across a DST change keeps its spacing).
 */
export function localTime(date: string, hhmm: string, timeZone: string, plusMin = 0): number {
  return zonedInstant(date, hhmm, timeZone).getTime() + plusMin * 60_000;
}

/** The site-local date (YYYY-MM-DD) at instant `ms`. */
export function localDate(ms: number, timeZone: string): string {
  return localDateOf(ms, timeZone);
}

/** `date` moved by `days` calendar days. */
export const addDays = shiftDate;

/** Days since 1970-01-01 of a calendar date; used to rotate guards from one day to the next. */
export const dayNumber = domainDayNumber;
