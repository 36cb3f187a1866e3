// What one guard's phone page shows of today's patrol (issue 12 point 8). Pure: rounds, taps and
// the time in, the page's lists out; guard-today.service.ts does the reading.
import type { GuardNextCheckpointDto, GuardTapDto, RoundDto, SiteConfig } from '@estate-watch/contracts';

/** One row of patrol_taps by this guard. */
export interface GuardTapRow {
  deviceId: string;
  tappedAt: Date;
  roundId: string | null;
}

/**
 * A guard's rounds: those of routes that list the guard (`routes[].guards`), or of routes that list
 * nobody (any guard of the site walks them), and any round the guard has tapped in.
 */
export function ownRounds(site: SiteConfig, rounds: readonly RoundDto[], guardId: string): RoundDto[] {
  const teams = new Map(site.routes.map((r) => [r.id, r.guards]));
  return rounds.filter((round) => {
    const team = teams.get(round.routeId);
    if (!team || team.length === 0 || team.includes(guardId)) return true;
    return round.checkpoints.some((c) => c.guardId === guardId);
  });
}

/**
 * The checkpoint to walk to: among the pending checkpoints of rounds not completed, the one whose
 * window is open or opens next and has not closed, earliest planned time first (CONTRACT §3 windows).
 */
export function nextCheckpoint(rounds: readonly RoundDto[], now: Date): GuardNextCheckpointDto | null {
  const t = now.getTime();
  let best: GuardNextCheckpointDto | null = null;
  for (const round of rounds) {
    if (round.status === 'completed') continue;
    round.checkpoints.forEach((c, i) => {
      if (c.outcome !== 'pending' || Date.parse(c.windowEnd) < t) return;
      if (best && Date.parse(best.plannedAt) <= Date.parse(c.plannedAt)) return;
      best = {
        roundId: round.id,
        routeName: round.routeName,
        checkpointId: c.checkpointId,
        name: c.name,
        plannedAt: c.plannedAt,
        windowStart: c.windowStart,
        windowEnd: c.windowEnd,
        position: i + 1,
        of: round.checkpoints.length,
      };
    });
  }
  return best;
}

/** The guard's taps, newest first, each with how its round judged it: the earliest tap of a checkpoint is the visit, any other a duplicate. */
export function guardTaps(site: SiteConfig, taps: readonly GuardTapRow[], rounds: readonly RoundDto[]): GuardTapDto[] {
  const byId = new Map(rounds.map((r) => [r.id, r]));
  const names = new Map(site.checkpoints.map((c) => [c.id, c.name]));
  return [...taps]
    .sort((a, b) => b.tappedAt.getTime() - a.tappedAt.getTime())
    .map((tap) => {
      const round = tap.roundId ? byId.get(tap.roundId) : undefined;
      const stop = round?.checkpoints.find((c) => c.checkpointId === tap.deviceId);
      const visit = stop?.visitedAt !== undefined && Date.parse(stop.visitedAt) === tap.tappedAt.getTime();
      const outcome = visit && (stop.outcome === 'on_time' || stop.outcome === 'early' || stop.outcome === 'late') ? stop.outcome : undefined;
      return {
        checkpointId: tap.deviceId,
        checkpointName: names.get(tap.deviceId) ?? tap.deviceId,
        tappedAt: tap.tappedAt.toISOString(),
        ...(round ? { roundId: round.id, routeName: round.routeName } : {}),
        ...(outcome ? { outcome } : {}),
        duplicate: stop !== undefined && !visit,
      };
    });
}
