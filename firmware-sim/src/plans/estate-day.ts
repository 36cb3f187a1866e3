// What the living estate does, as data: the events of one site-local day for gates, dispensers
// and sensors, and the helpers the three plans share (hours of the local day, weekends, draws).
// The plans are pure (site, date, seed, state in → events and state out), like planDay for the
// patrol; EstateRunner sends them on the clock.
import { dayNumber, localTime } from '../common/local-time';
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

/** The local day as minutes: `at(m)` is the instant of minute m after local midnight. */
export interface LocalDay {
  date: string;
  start: number;
  weekend: boolean;
  at(minute: number): number;
}

export function localDay(date: string, timeZone: string): LocalDay {
  const start = localTime(date, '00:00', timeZone);
  // 1970-01-01 was a Thursday.
  const weekday = (dayNumber(date) + 4) % 7;
  // Minutes from local midnight; an estate in a zone with DST is an hour off on two days a year.
  return { date, start, weekend: weekday === 0 || weekday === 6, at: (minute) => start + minute * MIN };
}

/** The minute of the day holding instant `from` (0 when `from` is before the day); plans keep nothing before `from`. */
export function firstMinute(day: LocalDay, from: number | undefined): number {
  if (from === undefined || from <= day.start) return 0;
  return Math.min(DAY_MIN, Math.floor((from - day.start) / MIN));
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
