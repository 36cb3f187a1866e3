import { describe, expect, it } from 'vitest';
import { addDays } from '../common/local-time';
import { DEFAULT_DEVIATION_RATES, planDay, type DeviationRates, type PlannedTap } from './patrol-plan';
import { loadSiteFile } from '../site-files';
import { demoDayRoutes } from '../demo-day-routes.testing';

const site = demoDayRoutes(loadSiteFile());
const DAY = '2026-11-27';
const MIN = 60_000;
const NONE: DeviationRates = { early: 0, late: 0, skipped: 0, outOfOrder: 0, unknownCard: 0 };
const routeOf = (id: string) => site.routes.find((r) => r.id === id)!;
const days = (from: string, count: number) => Array.from({ length: count }, (_, d) => addDays(from, d));
const roundKey = (t: PlannedTap) => `${t.routeId}|${t.roundStart.toISOString()}`;

function rounds(taps: PlannedTap[]): PlannedTap[][] {
  const byRound = new Map<string, PlannedTap[]>();
  for (const t of taps.filter((t) => t.deviation !== 'unknown_card')) byRound.set(roundKey(t), [...(byRound.get(roundKey(t)) ?? []), t]);
  return [...byRound.values()];
}

describe('planDay on the demo site', () => {
  it('without deviations, plans every checkpoint of both routes at 09:30 and 15:00, in walking order, within 90 s of P', () => {
    const plan = planDay(site, DAY, 1, { rates: NONE });
    expect(plan).toHaveLength(2 * 2 * 8);
    expect(new Set(plan.map((t) => t.roundStart.toISOString()))).toEqual(new Set(['2026-11-27T01:30:00.000Z', '2026-11-27T07:00:00.000Z']));
    for (const round of rounds(plan)) {
      const route = routeOf(round[0]!.routeId);
      expect(round.map((t) => t.checkpointId)).toEqual(route.checkpoints.map((c) => c.checkpoint));
      route.checkpoints.forEach((c, i) => expect(round[i]!.plannedAt.getTime()).toBe(round[i]!.roundStart.getTime() + c.offsetMin * MIN));
      for (const t of round) {
        expect(t.deviation).toBe('on_time');
        expect(Math.abs(t.at!.getTime() - t.plannedAt.getTime())).toBeLessThanOrEqual(90_000);
      }
    }
    expect(plan.map((t) => t.at!.getTime())).toEqual(plan.map((t) => t.at!.getTime()).sort((a, b) => a - b));
  });

  it('sends a different guard on each of the day’s four rounds, with that guard’s card, and rotates them day by day', () => {
    /** `guard route hh:mm` for each round of the day. */
    const walksOn = (date: string) =>
      rounds(planDay(site, date, 1)).map((r) => `${r[0]!.guardId} ${r[0]!.routeId} ${new Date(r[0]!.roundStart.getTime() + 8 * 3_600_000).toISOString().slice(11, 16)}`);
    const guardsOn = (date: string) => walksOn(date).map((w) => w.split(' ')[0]!);
    const today = guardsOn(DAY);
    expect(new Set(today).size).toBe(4);
    for (const t of planDay(site, DAY, 1).filter((t) => t.guardId)) expect(site.guards.find((g) => g.id === t.guardId)!.card).toBe(t.card);
    expect(guardsOn(addDays(DAY, 1))).not.toEqual(today);
    const month = days(DAY, 30).flatMap(guardsOn);
    for (const g of site.guards) expect(month.filter((id) => id === g.id)).toHaveLength(20);
    // Within six days every guard has walked every one of the day's four rounds.
    const slots = days(DAY, 6).flatMap(walksOn);
    expect(new Set(slots).size).toBe(6 * 4);
  });

  it('plans the same day of deviations for the same seed, and another day for another seed', () => {
    const strip = (plan: PlannedTap[]) => plan.map((t) => `${t.checkpointId} ${t.at?.toISOString()} ${t.card} ${t.deviation}`);
    expect(strip(planDay(site, DAY, 42))).toEqual(strip(planDay(site, DAY, 42)));
    const week = (seed: number) => days(DAY, 7).flatMap((d) => strip(planDay(site, d, seed)));
    expect(week(42)).not.toEqual(week(43));
  });

  it.each([
    { deviation: 'early', rates: { early: 0.1 } },
    { deviation: 'late', rates: { late: 0.1 } },
    { deviation: 'skipped', rates: { skipped: 0.1 } },
    { deviation: 'unknown_card', rates: { unknownCard: 0.1 } },
  ] as const)('plans $deviation at its rate (0.1 of checkpoints over a year)', ({ deviation, rates }) => {
    const year = days('2026-01-01', 365).flatMap((d) => planDay(site, d, 7, { rates: { ...NONE, ...rates } }));
    const visits = 365 * 32;
    expect(year.filter((t) => t.deviation === deviation).length / visits).toBeCloseTo(0.1, 1.7); // ±0.01
    expect(new Set(year.map((t) => t.deviation))).toEqual(new Set(['on_time', deviation]));
  });

  it('swaps a pair of consecutive checkpoints at the out-of-order rate (a pair takes the next checkpoint’s draw)', () => {
    const year = days('2026-01-01', 365).flatMap((d) => planDay(site, d, 7, { rates: { ...NONE, outOfOrder: 0.1 } }));
    const pairs = year.filter((t) => t.deviation === 'out_of_order').length / 2;
    // Per round of 8: 7 checkpoints can start a pair, and one that ends a pair cannot start one.
    expect(pairs / (365 * 4)).toBeGreaterThan(0.6);
    expect(pairs / (365 * 4)).toBeLessThan(0.7);
  });

  it('with the default rates, labels every tap as CONTRACT §3 will classify it, keeping each guard’s walk in order', () => {
    expect(DEFAULT_DEVIATION_RATES).toEqual({ early: 0.04, late: 0.05, skipped: 0.03, outOfOrder: 0.03, unknownCard: 0.02 });
    const year = days('2026-01-01', 365).flatMap((d) => planDay(site, d, 3));
    const seen = new Set(year.map((t) => t.deviation));
    expect(seen).toEqual(new Set(['on_time', 'early', 'late', 'skipped', 'out_of_order', 'unknown_card']));
    for (const t of year) {
      const tol = routeOf(t.routeId).toleranceMin * MIN;
      const [P, at] = [t.plannedAt.getTime(), t.at?.getTime()];
      if (t.deviation === 'skipped') expect(at).toBeUndefined();
      else if (t.deviation === 'early') expect(at).toBeLessThan(P - tol);
      else if (t.deviation === 'late') expect(at).toBeGreaterThan(P + tol);
      else if (t.deviation !== 'unknown_card') expect(Math.abs(at! - P)).toBeLessThanOrEqual(tol);
    }
    for (const round of rounds(year)) {
      const walked = round.filter((t) => t.at);
      // Strictly one after another, at least 20 s apart.
      walked.slice(1).forEach((t, k) => expect(t.at!.getTime() - walked[k]!.at!.getTime()).toBeGreaterThanOrEqual(20_000));
      // In walking order, except a swapped pair, whose later checkpoint is tapped first.
      walked.slice(1).forEach((t, k) => {
        const prev = walked[k]!;
        if (t.index < prev.index) expect([t.deviation, prev.deviation, prev.index - t.index]).toEqual(['out_of_order', 'out_of_order', 1]);
      });
    }
  });

  it('gives unknown-card taps a well-formed card no guard of the site holds, and no guard', () => {
    const strangers = days('2026-01-01', 60).flatMap((d) => planDay(site, d, 5, { rates: { ...NONE, unknownCard: 0.2 } })).filter((t) => t.deviation === 'unknown_card');
    expect(strangers.length).toBeGreaterThan(100);
    const cards = new Set(site.guards.map((g) => g.card));
    for (const t of strangers) {
      expect(t.card).toMatch(/^[0-9A-F]{8,20}$/);
      expect(cards.has(t.card)).toBe(false);
      expect(t).not.toHaveProperty('guardId');
    }
  });

  it('refuses rates outside 0–1 or adding up past 1, and a date that is not one', () => {
    expect(() => planDay(site, DAY, 0, { rates: { late: 1.5 } })).toThrow('patrol rate late must be between 0 and 1, got 1.5');
    expect(() => planDay(site, DAY, 0, { rates: { early: 0.6, late: 0.6 } })).toThrow('more than 1');
    expect(() => planDay(site, '2026-02-30', 0)).toThrow('not a calendar date');
  });
});
