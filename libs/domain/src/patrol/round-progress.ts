// CONTRACT §3 — round status and compliance, and the time-driven step: windows open and close.
import type { RoundDto } from '@estate-watch/contracts';

/**
 * scheduled → in_progress when the first window opens or a tap arrives → completed when every
 * checkpoint has a visit or a miss (or was never monitored). Compliance is on-time checkpoints ÷
 * all checkpoints; an `unmonitored` one counts in neither part (CONTRACT §3).
 */
export function roundProgress(round: RoundDto, seen: { now?: Date; visited?: boolean }): Pick<RoundDto, 'status' | 'compliance'> {
  const all = round.checkpoints.filter((c) => c.outcome !== 'unmonitored').length;
  const onTime = round.checkpoints.filter((c) => c.outcome === 'on_time').length;
  const compliance = all === 0 ? 0 : onTime / all;
  if (round.checkpoints.every((c) => c.outcome !== 'pending')) return { status: 'completed', compliance };
  const opened = seen.now !== undefined && seen.now.getTime() >= Date.parse(round.windowStart);
  const started = round.status !== 'scheduled' || seen.visited === true || round.checkpoints.some((c) => c.taps > 0) || opened;
  return { status: started ? 'in_progress' : 'scheduled', compliance };
}

export interface WindowsClosed {
  round: RoundDto;
  /** Checkpoints marked missed by this step, in walking order. */
  missed: string[];
}

/**
 * Marks each pending checkpoint whose window has closed (now after its inclusive end) as missed,
 * and moves the status on. Pure in `now`: the caller's clock and sweep decide when it runs.
 */
export function closeWindows(round: RoundDto, now: Date): WindowsClosed {
  const t = now.getTime();
  const due = roundDueAt(round);
  if (due === null || t < due.getTime()) return { round, missed: [] };
  const missed: string[] = [];
  const checkpoints = round.checkpoints.map((c) => {
    if (c.outcome !== 'pending' || t <= Date.parse(c.windowEnd)) return c;
    missed.push(c.checkpointId);
    return { ...c, outcome: 'missed' as const, missedAt: now.toISOString() };
  });
  const next = { ...round, checkpoints };
  return { round: { ...next, ...roundProgress(next, { now }) }, missed };
}

/** The next instant at which closeWindows would change the round; null once it is completed. */
export function roundDueAt(round: RoundDto): Date | null {
  if (round.status === 'completed') return null;
  // A loop, not filter/map: the sweep asks this of every open round on every tick.
  let due = round.status === 'scheduled' ? Date.parse(round.windowStart) : Infinity;
  for (const c of round.checkpoints) {
    if (c.outcome === 'pending') due = Math.min(due, Date.parse(c.windowEnd) + 1);
  }
  return Number.isFinite(due) ? new Date(due) : null;
}
