// What the living estate does, as data: the events of one site-local day for gates, dispensers
// and sensors, and the helpers the three plans share (hours of the local day, weekends, draws).
// The plans are pure (site, date, seed, state in → events and state out), like planDay for the
// patrol; EstateRunner sends them on the clock.
import { localTimeOf } from '@estate-watch/domain';
import { addDays, dayNumber, localTime } from '../common/local-time';
import type { Credential, Direction } from '../devices/gate';
import type { Random } from '../common/random';

export type GateAction =
  | { action: 'pass'; direction: Direction; plate?: string; credential: Credential; /** the lot's simulated count after it */ occupancy: number }
  | { action: 'denied'; direction: Direction; plate?: string; reason: string }
  | { action: 'barrier'; barrier: 'open' | 'closed' | 'fault'; fault?: string };

export type DispenserAction = { action: 'level'; level: number } | { action: 'refill' };

export type SensorAction =
  /** Where the daily cycle puts each metric now; the device adds its own noise and reports. */
  | { action: 'steer'; readings: Record<string, number | boolean> }
  /** An excursion: the reading is pinned to this value and reported at once. */
  | { action: 'pin'; name: string; value: number | boolean }
  | { action: 'release'; name: string }
  | { action: 'fault'; code: string; text: string }
  | { action: 'fault_cleared'; code: string }
  /** Loses power: the broker publishes its last will. */
  | { action: 'offline' }
  | { action: 'online' };

export type EstateEvent = { at: number; siteId: string; device: string } & (
  | ({ kind: 'gate'; lot: string } & GateAction)
  | ({ kind: 'dispenser' } & DispenserAction)
  | ({ kind: 'sensor' } & SensorAction)
);

export const MIN = 60_000;
export const DAY_MIN = 24 * 60;

/**
 * The local day as minutes of its wall clock: `at(m)` is the instant the site's clocks read
 * hh:mm = m (CONTRACT §2: schedules are wall times in the site's zone), so the 08:00 rush is at
 * 08:00 on the days the clocks change too. Minute 1440 is the next day's midnight.
 */
export interface LocalDay {
  date: string;
  start: number;
  /** The next day's first instant: 23 or 25 hours after `start` on a daylight-saving change. */
  end: number;
  weekend: boolean;
  at(minute: number): number;
}

export function localDay(date: string, timeZone: string): LocalDay {
  const start = localTime(date, '00:00', timeZone);
  const end = localTime(addDays(date, 1), '00:00', timeZone);
  // 1970-01-01 was a Thursday.
  const weekday = (dayNumber(date) + 4) % 7;
  const day = { date, start, end, weekend: weekday === 0 || weekday === 6 };
  // Most days the wall clock runs with elapsed time; the two a year it jumps, each minute is the
  // site clock's (a few Intl calls a minute, remembered: a plan reads every minute of the day). A
  // wall minute the clocks repeat is its first time; one they skip is the instant of the jump, so
  // at() never runs backwards and a plan walking the minutes sends its events in order.
  if (end - start === DAY_MIN * MIN) return { ...day, at: (minute) => start + minute * MIN };
  const instants = new Map<number, number>();
  const wall = (whole: number): number => {
    if (whole >= DAY_MIN) return end;
    let instant = instants.get(whole);
    if (instant === undefined) {
      const time = hhmm(whole);
      const read = localTime(date, time, timeZone);
      instants.set(whole, (instant = localTimeOf(read, timeZone) === time ? read : wall(whole + 1)));
    }
    return instant;
  };
  const at = (minute: number): number => {
    if (minute < 0) return start + minute * MIN;
    if (minute >= DAY_MIN) return end + (minute - DAY_MIN) * MIN;
    const whole = Math.floor(minute);
    return wall(whole) + (minute - whole) * MIN;
  };
  return { ...day, at };
}

/**
 * The first minute of the day not wholly before instant `from` (0 when `from` is before the day);
 * plans keep nothing before `from`. Where the clocks went back, a `from` in the repeated hour skips
 * to the minute after it (its wall times were already had once).
 */
export function firstMinute(day: LocalDay, from: number | undefined): number {
  if (from === undefined || from <= day.start) return 0;
  if (from >= day.end) return DAY_MIN;
  // at() never decreases: the smallest minute whose [at(m), at(m) + 1 min) reaches past `from`.
  let lo = 0;
  let hi = DAY_MIN;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (day.at(mid) + MIN > from) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** `hh:mm` as a minute of the day. */
export function minuteOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** A piecewise-constant rate over the day: [[from hh:mm, value], …], the last one wrapping past midnight. */
export function byHour(steps: ReadonlyArray<readonly [string, number]>): (minute: number) => number {
  const table = steps.map(([hhmm, v]) => [minuteOf(hhmm), v] as const).sort((a, b) => a[0] - b[0]);
  return (minute) => {
    let value = table[table.length - 1]![1];
    for (const [from, v] of table) if (minute >= from) value = v;
    return value;
  };
}

/** A Poisson draw (Knuth; the means here are small). */
export function poisson(mean: number, random: Random): number {
  if (mean <= 0) return 0;
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

export const between = (random: Random, lo: number, hi: number) => lo + random() * (hi - lo);
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
export const round1 = (n: number) => Math.round(n * 10) / 10;
