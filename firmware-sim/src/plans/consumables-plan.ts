// Dispenser levels over one site-local day: washroom visits drain them (clubhouse busiest in the
// evening, sales centre in the day and at weekends, shoe covers with show-flat visits), the
// cleaning round refills each washroom cluster at 08:00 and 14:00 what has run down to half, and
// now and then misses a round, so a dispenser runs low and sometimes empty. Pure, like planDay.
import type { SiteConfig } from '@estate-watch/contracts';
import { between, byHour, DAY_MIN, firstMinute, localDay, minuteOf, round1, type EstateEvent } from './estate-day';
import { hashSeed, seededRandom } from '../common/random';

export interface ConsumablesOptions {
  /** Cleaning rounds, site-local; each cluster is visited within 40 min of the start. Default 08:00 and 14:00. */
  refillAt?: string[];
  /** The cleaner refills what is at or below this level (default 50). */
  refillBelowPct?: number;
  /** Chance a cluster is skipped on a round (default 0.2). */
  missedRound?: number;
  /** Scales every dispenser's use (default 1). */
  usage?: number;
  /** Plan from this instant on; default the whole day. */
  from?: number;
}

/** Dispenser levels (0–100) by id. */
export type ConsumablesState = Record<string, number>;

/** Level reports between changes a person would notice; the device's heartbeat repeats the last one. */
const REPORT_EVERY_MIN = 15;

/** Percent of a full dispenser one visit takes. */
const PER_USE: Record<string, number> = { soap: 0.3, toilet_paper: 0.4, paper_towel: 0.2, sanitizer: 0.15, shoe_cover: 1 };

/** Visits an hour by venue, weekday and weekend (a gym and pool at the clubhouse; buyers at the sales centre). */
const VENUES: Array<{ match: RegExp; weekday: (m: number) => number; weekend: (m: number) => number }> = [
  { match: /club/, weekday: byHour([['00:00', 0], ['07:00', 15], ['18:00', 40], ['21:30', 5], ['22:00', 0]]), weekend: byHour([['00:00', 0], ['07:00', 25], ['18:00', 45], ['21:30', 5], ['22:00', 0]]) },
  { match: /sales|hall/, weekday: byHour([['00:00', 0], ['09:00', 8], ['12:00', 5], ['13:30', 10], ['18:00', 0]]), weekend: byHour([['00:00', 0], ['09:00', 25], ['12:00', 15], ['13:30', 30], ['18:00', 0]]) },
  { match: /show/, weekday: byHour([['00:00', 0], ['09:30', 5], ['17:30', 0]]), weekend: byHour([['00:00', 0], ['09:30', 12], ['17:30', 0]]) },
];
const OTHER = { weekday: byHour([['00:00', 0], ['07:00', 6], ['21:00', 0]]), weekend: byHour([['00:00', 0], ['07:00', 8], ['21:00', 0]]) };

/** The washroom cluster a dispenser belongs to: its id up to the first dash (club, sales, showflat). */
export function clusterOf(id: string): string {
  return id.split('-')[0]!;
}

/** Starting levels: what the devices show (the simulator passes them), else 40–95 %. */
export function initialConsumables(site: SiteConfig, seed: number, levels: Record<string, number> = {}): ConsumablesState {
  const random = seededRandom(hashSeed(`${site.site.id}|levels`, seed));
  return Object.fromEntries(site.dispensers.map((d) => [d.id, levels[d.id] ?? round1(between(random, 40, 95))]));
}

export function planConsumables(site: SiteConfig, date: string, seed: number, state: ConsumablesState, options: ConsumablesOptions = {}): { events: EstateEvent[]; state: ConsumablesState } {
  const day = localDay(date, site.site.timezone);
  const below = options.refillBelowPct ?? 50;
  const miss = options.missedRound ?? 0.2;
  const first = firstMinute(day, options.from);
  const notBefore = (at: number) => Math.max(options.from ?? at, at);
  const levels = { ...state };
  const events: EstateEvent[] = [];
  // Rounds: when the cleaner reaches each cluster, drawn apart from the use so a different start does not move them.
  const rounds = seededRandom(hashSeed(`${site.site.id}|${date}|cleaning`, seed));
  const visits = new Map<number, string[]>();
  for (const start of options.refillAt ?? ['08:00', '14:00']) {
    for (const cluster of new Set(site.dispensers.map((d) => clusterOf(d.id)))) {
      const [skip, offset] = [rounds(), rounds()];
      if (skip < miss) continue;
      const m = minuteOf(start) + Math.floor(offset * 40);
      visits.set(m, [...(visits.get(m) ?? []), cluster]);
    }
  }
  const random = seededRandom(hashSeed(`${site.site.id}|${date}|use`, seed));
  const reported = { ...levels };
  for (let m = first; m < DAY_MIN; m++) {
    for (const d of site.dispensers) {
      const venue = VENUES.find((v) => v.match.test(d.id)) ?? OTHER;
      // A men's or women's washroom sees half the visitors of the venue.
      const share = /-[mf]-/.test(d.id) ? 0.5 : 1;
      const perHour = (day.weekend ? venue.weekend : venue.weekday)(m) * share * (options.usage ?? 1);
      const use = (perHour / 60) * (PER_USE[d.consumable] ?? 0.3) * between(random, 0.5, 1.5);
      levels[d.id] = Math.max(0, levels[d.id]! - use);
    }
    for (const cluster of visits.get(m) ?? []) {
      for (const d of site.dispensers.filter((x) => clusterOf(x.id) === cluster && levels[x.id]! <= below)) {
        levels[d.id] = 100;
        reported[d.id] = 100;
        events.push({ at: notBefore(day.at(m) + between(random, 0, 50) * 1000), siteId: site.site.id, device: d.id, kind: 'dispenser', action: 'refill' });
      }
    }
    if ((m + 1) % REPORT_EVERY_MIN !== 0) continue;
    for (const d of site.dispensers) {
      const level = round1(levels[d.id]!);
      if (level === reported[d.id]) continue;
      reported[d.id] = level;
      events.push({ at: notBefore(day.at(m + 1) - 1000), siteId: site.site.id, device: d.id, kind: 'dispenser', action: 'level', level });
    }
  }
  return { events: events.sort((a, b) => a.at - b.at), state: Object.fromEntries(Object.entries(levels).map(([id, l]) => [id, round1(l)])) };
}
