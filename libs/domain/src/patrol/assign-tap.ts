// CONTRACT §3 — a tap belongs to the round of that day whose P_c is nearest to the tap's device time.
import type { RoundDto } from '@estate-watch/contracts';
import { localDateOf } from '../time/site-clock';

export interface TapPlace {
  round: RoundDto;
  /** Index of the checkpoint in the round's walking order. */
  index: number;
}

/**
 * "That day" is the tap's site-local date: rounds planned on it, and a round of the day before
 * whose P_c falls on it (a round walking past midnight). Equally near two rounds, the earlier
 * round wins: its guard is the one running late, the next round's guard has not set out.
 */
export function assignTap(rounds: readonly RoundDto[], checkpointId: string, tappedAt: Date, timeZone: string): TapPlace | null {
  const day = localDateOf(tappedAt, timeZone);
  const t = tappedAt.getTime();
  let best: (TapPlace & { distance: number; planned: number }) | null = null;
  // Every tap looks at every round of two days (hundreds on a busy site): no closure or
  // iterator per round, which made most of the garbage of a batch of taps.
  for (let r = 0; r < rounds.length; r++) {
    const round = rounds[r]!;
    const index = checkpointIndex(round, checkpointId);
    if (index < 0) continue;
    const planned = Date.parse(round.checkpoints[index]!.plannedAt);
    if (round.localDate !== day && localDateOf(new Date(planned), timeZone) !== day) continue;
    const distance = Math.abs(planned - t);
    if (!best || distance < best.distance || (distance === best.distance && planned < best.planned)) {
      best = { round, index, distance, planned };
    }
  }
  return best && { round: best.round, index: best.index };
}

function checkpointIndex(round: RoundDto, checkpointId: string): number {
  const checkpoints = round.checkpoints;
  for (let i = 0; i < checkpoints.length; i++) if (checkpoints[i]!.checkpointId === checkpointId) return i;
  return -1;
}
