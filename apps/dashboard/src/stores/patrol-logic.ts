// Pure rules behind the patrol board (CONTRACT §3): which round the control room is watching,
// what colour a checkpoint is in, how long its window has left, and how the site plan draws a
// route. No Vue, no I/O: unit-tested.
import type { CheckpointOutcome, RoundCheckpointDto, RoundDto } from '@estate-watch/contracts';

/**
 * A checkpoint's state on the plan and in the table. A settled outcome is the server's; a
 * pending one is split by the clock: not yet due, its window open now, or its window closed
 * and the server's `missed` not in yet (CONTRACT §3 allows it up to 10 s).
 */
export type CheckpointState = Exclude<CheckpointOutcome, 'pending'> | 'upcoming' | 'due' | 'overdue';

export function checkpointState(cp: RoundCheckpointDto, now: number): CheckpointState {
  if (cp.outcome !== 'pending') return cp.outcome;
  if (now < Date.parse(cp.windowStart)) return 'upcoming';
  // Both window edges are inclusive (CONTRACT §3).
  return now <= Date.parse(cp.windowEnd) ? 'due' : 'overdue';
}

export interface WindowClock {
  /** `opens`: time until the window opens; `closes`: time left in it; `closed`: time since it closed. */
  phase: 'opens' | 'closes' | 'closed';
  ms: number;
}

/** The countdown next to a checkpoint that still waits for its tap; null once it has an outcome. */
export function windowClock(cp: RoundCheckpointDto, now: number): WindowClock | null {
  if (cp.outcome !== 'pending') return null;
  const start = Date.parse(cp.windowStart);
  const end = Date.parse(cp.windowEnd);
  if (now < start) return { phase: 'opens', ms: start - now };
  if (now <= end) return { phase: 'closes', ms: end - now };
  return { phase: 'closed', ms: now - end };
}

/** Whether the round's span (first window opening to last window closing) contains `now`. */
function isLive(round: RoundDto, now: number): boolean {
  if (round.status === 'in_progress') return true;
  if (round.status === 'completed') return false;
  return Date.parse(round.windowStart) <= now && now <= Date.parse(round.windowEnd);
}

const byStart = (a: RoundDto, b: RoundDto) => Date.parse(a.start) - Date.parse(b.start) || a.routeName.localeCompare(b.routeName, 'zh-CN') || a.id.localeCompare(b.id);

/** The day's rounds in start order, then by route name. */
export function sortRounds(rounds: Iterable<RoundDto>): RoundDto[] {
  return [...rounds].sort(byStart);
}

/**
 * The round of one route worth watching at `now`: the one being walked (the earliest, if
 * schedules overlap); else the next one due; else the last one walked.
 */
export function currentRoundOf(rounds: readonly RoundDto[], now: number): RoundDto | undefined {
  const sorted = sortRounds(rounds);
  return (
    sorted.find((r) => isLive(r, now)) ??
    sorted.find((r) => r.status !== 'completed' && Date.parse(r.windowStart) > now) ??
    sorted.filter((r) => Date.parse(r.start) <= now).at(-1) ??
    sorted[0]
  );
}

export const routeKey = (round: Pick<RoundDto, 'siteId' | 'routeId'>) => `${round.siteId}:${round.routeId}`;

/** Every route's current round, in start order: what the plan shows until someone picks a round. */
export function currentRounds(rounds: Iterable<RoundDto>, now: number): RoundDto[] {
  const byRoute = new Map<string, RoundDto[]>();
  for (const round of rounds) {
    const key = routeKey(round);
    byRoute.set(key, [...(byRoute.get(key) ?? []), round]);
  }
  return sortRounds([...byRoute.values()].map((list) => currentRoundOf(list, now)).filter((r): r is RoundDto => r !== undefined));
}

export interface RoundProgress {
  total: number;
  /** Checkpoints with a visit or a miss. */
  settled: number;
  onTime: number;
  early: number;
  late: number;
  missed: number;
  /** Windows that closed before the site was first monitored (CONTRACT §3). */
  unmonitored: number;
}

export function roundProgress(round: RoundDto): RoundProgress {
  const count = (o: CheckpointOutcome) => round.checkpoints.filter((c) => c.outcome === o).length;
  const total = round.checkpoints.length;
  return { total, settled: total - count('pending'), onTime: count('on_time'), early: count('early'), late: count('late'), missed: count('missed'), unmonitored: count('unmonitored') };
}

/** Compliance as a whole percentage (the server sends a 0–1 fraction). */
export function compliancePct(round: Pick<RoundDto, 'compliance'>): number {
  return Math.round(Math.max(0, Math.min(1, round.compliance)) * 100);
}

/**
 * What the list shows for compliance. The server's figure counts every checkpoint, so a round
 * being walked reads low until it ends (3 of 8 done, all on time: 38 %). Until then the list
 * shows on-time ÷ checked so far, marked provisional; before the first check, nothing.
 */
export function complianceView(round: RoundDto): { pct: number; final: boolean } | null {
  if (round.status === 'completed') return { pct: compliancePct(round), final: true };
  const p = roundProgress(round);
  return p.settled === 0 ? null : { pct: Math.round((p.onTime / p.settled) * 100), final: false };
}

/** What to do with a live `patrol` event given the day on screen. */
export type LiveRoundAction = 'upsert' | 'refetch' | 'ignore';

/**
 * A round of the day shown is upserted (a buffered tap may still change yesterday's round).
 * While the board follows "today", a round of a later day means midnight has passed: reload.
 */
export function liveRoundAction(round: Pick<RoundDto, 'localDate'>, shownDate: string | null, followToday: boolean): LiveRoundAction {
  if (shownDate === null || round.localDate === shownDate) return 'upsert';
  return followToday && round.localDate > shownDate ? 'refetch' : 'ignore';
}

export interface PlanPoint {
  id: string;
  name: string;
  x: number;
  y: number;
}

/** Every checkpoint of a site that appears in the day's rounds, once: the plan's background layer. */
export function siteCheckpoints(rounds: Iterable<RoundDto>, siteId: string): PlanPoint[] {
  const points = new Map<string, PlanPoint>();
  for (const round of rounds) {
    if (round.siteId !== siteId) continue;
    for (const c of round.checkpoints) if (!points.has(c.checkpointId)) points.set(c.checkpointId, { id: c.checkpointId, name: c.name, x: c.x, y: c.y });
  }
  return [...points.values()];
}

/** The plan is drawn on 1000 × 700 (CONTRACT §2 x/y); a point outside grows it, with a margin. */
export function planViewBox(points: readonly Pick<PlanPoint, 'x' | 'y'>[], margin = 40): { x: number; y: number; w: number; h: number } {
  const xs = [0, 1000, ...points.flatMap((p) => [p.x - margin, p.x + margin])];
  const ys = [0, 700, ...points.flatMap((p) => [p.y - margin, p.y + margin])];
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

export interface RouteLeg {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Midpoint and heading (degrees, 0 = east, clockwise as SVG's y grows downward): where the arrow sits. */
  mx: number;
  my: number;
  angle: number;
}

/** The walking order as legs from each checkpoint to the next; legs of zero length are dropped. */
export function routeLegs(checkpoints: readonly Pick<RoundCheckpointDto, 'x' | 'y'>[]): RouteLeg[] {
  const legs: RouteLeg[] = [];
  for (let i = 1; i < checkpoints.length; i++) {
    const a = checkpoints[i - 1]!;
    const b = checkpoints[i]!;
    if (a.x === b.x && a.y === b.y) continue;
    legs.push({ x1: a.x, y1: a.y, x2: b.x, y2: b.y, mx: (a.x + b.x) / 2, my: (a.y + b.y) / 2, angle: (Math.atan2(b.y - a.y, b.x - a.x) * 180) / Math.PI });
  }
  return legs;
}
