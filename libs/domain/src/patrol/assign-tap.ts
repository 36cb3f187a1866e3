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
  for (const round of rounds) {
    const index = round.checkpoints.findIndex((c) => c.checkpointId === checkpointId);
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
