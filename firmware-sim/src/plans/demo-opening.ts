// The demo's first two minutes (issue 12 point 9): a newcomer who runs `npm start` should see the
// product at work at once, not eight quiet minutes of empty screens. So the estate opens with the
// mix a control room sees on an ordinary day: a dispenser already low, a gate barrier reporting a
// fault, a boiler reading over its limit for longer than its forSec, and a patrol round under way
// with a guard who set off early (one early tap). After that the ordinary plans keep their pace.
// Pure: the site, the start instant and the walker's plan in, what to change out.
import type { SiteConfig } from '@estate-watch/contracts';
import { assignTap, classifyTap, planRounds } from '@estate-watch/domain';
import type { EstateEvent } from './estate-day';
import { addDays, localDate } from '../common/local-time';
import type { PlannedTap } from './patrol-plan';
import type { PatrolWalker } from '../live/patrol-walker';

const SEC = 1000;
const MIN = 60 * SEC;
/** Everything of the opening is visible within this long of the start. */
export const OPENING_WITHIN_MS = 2 * MIN;

export interface GateFault {
  gate: string;
  from: number;
  until: number;
  code: string;
}

export interface Opening {
  /** Dispenser levels at the start (the consumables plan carries on from them). */
  levels: Record<string, number>;
  /** Faults the traffic plan keeps cars away from (it emits the fault and its repair). */
  gateFaults: GateFault[];
  /** Events besides the plans': the low level reported, the excursion pinned and released. */
  events: EstateEvent[];
}

/** The opening of one site started at `now` (ms). */
export function planOpening(site: SiteConfig, now: number): Opening {
  const id = site.site.id;
  const opening: Opening = { levels: {}, gateFaults: [], events: [] };
  const dispenser = site.dispensers[0];
  if (dispenser) {
    // Below lowPct, clear of emptyPct: a replenish order, not yet an emergency.
    const level = Math.max(dispenser.emptyPct + 1, dispenser.lowPct - 4);
    opening.levels[dispenser.id] = level;
    opening.events.push({ at: now + 20 * SEC, siteId: id, device: dispenser.id, kind: 'dispenser', action: 'level', level });
  }
  const gate = site.gates[0];
  if (gate) opening.gateFaults.push({ gate: gate.id, from: now + 40 * SEC, until: now + 25 * MIN, code: 'E-MOTOR' });
  const limit = overLimitCandidate(site);
  if (limit) {
    // Pinned past max and reported every 30 s, so forSec is seen to pass before the 2 minutes are up.
    const from = now + 10 * SEC;
    const until = from + Math.max(4 * MIN, 3 * limit.forSec * SEC);
    for (let t = from, k = 0; t < until; t += 30 * SEC, k++) {
      opening.events.push({ at: t, siteId: id, device: limit.sensor, kind: 'sensor', action: 'pin', name: limit.metric, value: round1(limit.max + 1 + Math.min(k, 4) * 0.5) });
    }
    opening.events.push({ at: until, siteId: id, device: limit.sensor, kind: 'sensor', action: 'release', name: limit.metric });
  }
  return opening;
}

/** A numeric max held for at most 60 s (raised within the opening), major before critical: an overheating boiler, not a flood. */
function overLimitCandidate(site: SiteConfig): { sensor: string; metric: string; max: number; forSec: number } | undefined {
  const found = site.sensors.flatMap((s) =>
    Object.entries(s.limits)
      .filter(([, l]) => l.max !== undefined && l.forSec <= 60)
      .map(([metric, l]) => ({ sensor: s.id, metric, max: l.max!, forSec: l.forSec, critical: l.severity === 'critical' })),
  );
  const best = found.find((c) => !c.critical) ?? found[0];
  return best && { sensor: best.sensor, metric: best.metric, max: best.max, forSec: best.forSec };
}

/** When, after the start, the opening tries the early tap: a guard seen setting off within the first two minutes. */
const TAP_AFTER_MS = [45, 60, 75, 90, 105].map((s) => s * SEC);

/**
 * One of the walker's upcoming taps to send early, now: the tap (same guard and card) that the
 * server's own rules (CONTRACT §3, libs/domain) will place in its planned round as `early`. The
 * first checkpoint of a round is preferred (no later tap then comes out of order), then the
 * soonest round. Undefined when no round of the sites is near enough.
 */
export function pickEarlyTap(sites: readonly SiteConfig[], upcoming: readonly PlannedTap[], now: number): { tap: PlannedTap; at: Date } | undefined {
  const rounds = new Map<string, ReturnType<typeof planRounds>>();
  const roundsOf = (site: SiteConfig) => {
    let found = rounds.get(site.site.id);
    if (!found) {
      const today = localDate(now, site.site.timezone);
      found = [addDays(today, -1), today, addDays(today, 1)].flatMap((d) => planRounds(site, d));
      rounds.set(site.site.id, found);
    }
    return found;
  };
  const candidates = upcoming
    .filter((t) => t.guardId !== undefined && t.at !== undefined)
    .sort((a, b) => a.index - b.index || a.plannedAt.getTime() - b.plannedAt.getTime());
  for (const tap of candidates) {
    const site = sites.find((s) => s.site.id === tap.siteId);
    const route = site?.routes.find((r) => r.id === tap.routeId);
    if (!site || !route) continue;
    for (const after of TAP_AFTER_MS) {
      const at = new Date(now + after);
      if (classifyTap(tap.plannedAt, route.toleranceMin, at) !== 'early') continue;
      const place = assignTap(roundsOf(site), tap.checkpointId, at, site.site.timezone);
      if (place?.round.routeId === tap.routeId && place.round.start === tap.roundStart.toISOString()) return { tap, at };
    }
  }
  return undefined;
}

/** The patrol's part of the opening on a running walker; the early tap sent, if a round was near enough. */
export function openPatrol(walker: PatrolWalker, sites: readonly SiteConfig[], now: number): { tap: PlannedTap; at: Date } | undefined {
  const early = pickEarlyTap(sites, walker.upcoming(), now);
  if (early) walker.rush(early.tap, early.at);
  return early;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
