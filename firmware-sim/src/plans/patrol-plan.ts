// What the guards of a site intend to do on one local day: who walks each round and, for every
// checkpoint, when and with which card they tap. Mostly on time, with seeded deviations at
// configurable rates; the labels say how the server will classify each tap (CONTRACT §3).
// Pure: no clock, no I/O, so the server's tests and the README can use the same plan.
import type { SiteConfig } from '@estate-watch/contracts';
import { addDays, dayNumber, localTime } from '../common/local-time';
import { hashSeed, seededRandom, type Random } from '../common/random';

export type PatrolDeviation = 'on_time' | 'early' | 'late' | 'skipped' | 'out_of_order' | 'unknown_card';

/**
 * Probabilities per checkpoint of a round. A deviation the walk cannot fit is dropped (the tap
 * stays on time): chiefly an early tap within 2 × tolerance after a late one, so `early` comes
 * out a little under its rate when `late` is high.
 */
export interface DeviationRates {
  /** Tapped before its window opens (P − tolerance); the guard rushed, so the taps before it come earlier too, still in their windows. */
  early: number;
  /** Tapped after its window closed (P + tolerance); the taps after it come later too, still in their windows. */
  late: number;
  /** Not tapped at all: the server marks it missed. */
  skipped: number;
  /**
   * This checkpoint and the next are tapped in swapped order, both inside their windows; both are
   * labelled, and the server flags the one tapped second (the lower index) `out_of_order`.
   */
  outOfOrder: number;
  /** An extra tap, near P, by a card no guard of the site holds. */
  unknownCard: number;
}

export const DEFAULT_DEVIATION_RATES: Readonly<DeviationRates> = { early: 0.04, late: 0.05, skipped: 0.03, outOfOrder: 0.03, unknownCard: 0.02 };

export interface PlanOptions {
  rates?: Partial<DeviationRates>;
  /** Largest on-time distance from P, in seconds. Default 90; never more than a fifth of the tolerance. */
  jitterSec?: number;
}

export interface PlannedTap {
  siteId: string;
  routeId: string;
  /** The round's scheduled start on its site-local day. */
  roundStart: Date;
  /** The guard walking the round; absent on an unknown-card tap. */
  guardId?: string;
  checkpointId: string;
  /** The checkpoint's position in the route's walking order. */
  index: number;
  /** P = start + offsetMin (CONTRACT §3). */
  plannedAt: Date;
  /** When the card touches the reader; absent when skipped. */
  at?: Date;
  card: string;
  deviation: PatrolDeviation;
}

const MIN = 60_000;
/** A guard needs at least this long between two readers. */
const STEP_MS = 20_000;
/** Early and late taps land clearly outside the window, so a millisecond never decides. */
const EARLY_MS: readonly [number, number] = [1 * MIN, 4 * MIN];
const LATE_MS: readonly [number, number] = [1 * MIN, 4 * MIN];
const SWAP_GAP_MS = 90_000;

/**
 * The taps intended on site-local `date` (YYYY-MM-DD) by the rounds that start that day, in tap
 * order (a skipped checkpoint sits where its planned time is). Same site, date and seed: same plan.
 */
export function planDay(site: SiteConfig, date: string, seed = 0, options: PlanOptions = {}): PlannedTap[] {
  const rates = checkRates({ ...DEFAULT_DEVIATION_RATES, ...options.rates });
  if (site.guards.length === 0) return [];
  const rounds = site.routes
    .flatMap((route, r) => route.schedule.map((start) => ({ route, r, start })))
    .sort((a, b) => a.start.localeCompare(b.start) || a.r - b.r);
  // Round by round the next guard; each day starts `step` guards further on, a step coprime with
  // the number of guards so that every guard gets every round in turn (with 6 guards and 4
  // rounds a plain 4 would keep the even-numbered guards on the same routes for ever).
  let step = rounds.length;
  while (gcd(step, site.guards.length) !== 1) step++;
  const first = dayNumber(date) * step;
  const taps = rounds.flatMap(({ route, start }, k) => {
    const guard = site.guards[(first + k) % site.guards.length]!;
    const round: Round = {
      siteId: site.site.id,
      routeId: route.id,
      roundStart: new Date(localTime(date, start, site.site.timezone)),
      guardId: guard.id,
      card: guard.card,
      toleranceMs: route.toleranceMin * MIN,
      stops: route.checkpoints.map((c, index) => ({ index, checkpointId: c.checkpoint, P: localTime(date, start, site.site.timezone, c.offsetMin) })),
    };
    const key = `${site.site.id}|${date}|${route.id}|${start}`;
    return planRound(round, rates, options.jitterSec ?? 90, seededRandom(hashSeed(key, seed)), strangerCards(key, seed, site));
  });
  return taps.sort((a, b) => when(a) - when(b) || a.index - b.index);
}

/** The days whose rounds can tap on `date`: a round may start the evening before and run past midnight. */
export function daysAround(date: string): string[] {
  return [addDays(date, -1), date, addDays(date, 1)];
}

interface Round {
  siteId: string;
  routeId: string;
  roundStart: Date;
  guardId: string;
  card: string;
  toleranceMs: number;
  stops: Array<{ index: number; checkpointId: string; P: number }>;
}

/** One tap of the walk: it must land in [lo, hi], as near `target` as the walking order allows. */
interface Slot {
  index: number;
  label: PatrolDeviation;
  lo: number;
  hi: number;
  target: number;
}

function planRound(round: Round, rates: DeviationRates, jitterSec: number, random: Random, stranger: () => string): PlannedTap[] {
  const tol = round.toleranceMs;
  const jitter = Math.min(jitterSec * 1000, tol / 5);
  const n = round.stops.length;
  const onTime = (i: number, target = round.stops[i]!.P + (2 * random() - 1) * jitter): Slot => {
    const P = round.stops[i]!.P;
    return { index: i, label: 'on_time', lo: P - tol, hi: P + tol, target };
  };
  // Start from everyone on time; every deviation is kept only if the rest of the walk still fits.
  let walk: Array<Slot | undefined> = round.stops.map((_, i) => onTime(i));
  if (!arrange(walk.filter(isSlot))) return round.stops.map((s) => tap(round, s.index, 'on_time', s.P));
  const extras: PlannedTap[] = [];
  let swapped = -1;
  for (let i = 0; i < n; i++) {
    const [pick, size, odd, near] = [random(), random(), random(), random()];
    const P = round.stops[i]!.P;
    if (odd < rates.unknownCard) {
      const { guardId: _walker, ...extra } = tap(round, i, 'unknown_card', P + (2 * near - 1) * (tol / 2));
      extras.push({ ...extra, card: stranger() });
    }
    if (i === swapped) continue;
    const candidate = [...walk];
    let r = pick;
    if ((r -= rates.skipped) < 0) candidate[i] = undefined;
    else if ((r -= rates.early) < 0) candidate[i] = { index: i, label: 'early', lo: P - tol - EARLY_MS[1], hi: P - tol - EARLY_MS[0], target: P - tol - span(EARLY_MS, size) };
    else if ((r -= rates.late) < 0) candidate[i] = { index: i, label: 'late', lo: P + tol + LATE_MS[0], hi: P + tol + LATE_MS[1], target: P + tol + span(LATE_MS, size) };
    else if ((r -= rates.outOfOrder) < 0 && i + 1 < n) {
      const mid = (P + round.stops[i + 1]!.P) / 2;
      candidate[i] = { ...onTime(i, mid + SWAP_GAP_MS / 2), label: 'out_of_order' };
      candidate[i + 1] = { ...onTime(i + 1, mid - SWAP_GAP_MS / 2), label: 'out_of_order' };
      [candidate[i], candidate[i + 1]] = [candidate[i + 1], candidate[i]];
    } else continue;
    if (!arrange(candidate.filter(isSlot))) continue;
    walk = candidate;
    if (walk[i]?.label === 'out_of_order') swapped = i + 1;
  }
  const slots = walk.filter(isSlot);
  const times = arrange(slots)!;
  const tapped = slots.map((slot, k) => tap(round, slot.index, slot.label, times[k]!));
  const skipped = round.stops.filter((s) => !slots.some((slot) => slot.index === s.index)).map((s) => tap(round, s.index, 'skipped'));
  return [...tapped, ...skipped, ...extras];
}

/**
 * Times for the walk in its order, each inside its own [lo, hi] and at least STEP_MS after the
 * previous one, as near its target as that allows; undefined when no such times exist.
 */
function arrange(walk: Slot[]): number[] | undefined {
  const earliest: number[] = [];
  const latest: number[] = [];
  walk.forEach((s, k) => (earliest[k] = Math.max(s.lo, k > 0 ? earliest[k - 1]! + STEP_MS : -Infinity)));
  for (let k = walk.length - 1; k >= 0; k--) latest[k] = Math.min(walk[k]!.hi, k < walk.length - 1 ? latest[k + 1]! - STEP_MS : Infinity);
  if (walk.some((_, k) => earliest[k]! > latest[k]!)) return undefined;
  const times: number[] = [];
  walk.forEach((s, k) => {
    const floor = Math.max(earliest[k]!, k > 0 ? times[k - 1]! + STEP_MS : -Infinity);
    times.push(Math.round(Math.min(Math.max(s.target, floor), latest[k]!)));
  });
  return times;
}

function tap(round: Round, index: number, deviation: PatrolDeviation, at?: number): PlannedTap {
  const stop = round.stops[index]!;
  return {
    siteId: round.siteId,
    routeId: round.routeId,
    roundStart: round.roundStart,
    guardId: round.guardId,
    checkpointId: stop.checkpointId,
    index,
    plannedAt: new Date(stop.P),
    ...(at === undefined ? {} : { at: new Date(Math.round(at)) }),
    card: round.card,
    deviation,
  };
}

/** Cards of visitors, contractors or a lost card: 7-byte NFC UIDs that no guard of the site holds. */
function strangerCards(key: string, seed: number, site: SiteConfig): () => string {
  const random = seededRandom(hashSeed(`${key}|stranger`, seed));
  const known = new Set(site.guards.map((g) => g.card));
  return () => {
    for (;;) {
      const card = Array.from({ length: 7 }, () => Math.floor(random() * 256).toString(16).padStart(2, '0')).join('').toUpperCase();
      if (!known.has(card)) return card;
    }
  };
}

function checkRates(rates: DeviationRates): DeviationRates {
  for (const [name, rate] of Object.entries(rates)) {
    if (!(rate >= 0 && rate <= 1)) throw new Error(`patrol rate ${name} must be between 0 and 1, got ${rate}`);
  }
  const exclusive = rates.skipped + rates.early + rates.late + rates.outOfOrder;
  if (exclusive > 1) throw new Error(`patrol rates skipped + early + late + outOfOrder add up to ${exclusive}, more than 1`);
  return rates;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const span = ([min, max]: readonly [number, number], x: number) => min + x * (max - min);
const when = (t: PlannedTap) => (t.at ?? t.plannedAt).getTime();
const isSlot = (s: Slot | undefined): s is Slot => s !== undefined;
