// CONTRACT §3 — what a known card's tap does to its round, and which patrol alerts follow (§4).
import type { RoundCheckpointDto, RoundDto, VisitFlag } from '@estate-watch/contracts';
import { classifyTap } from './classify-tap';
import { roundProgress } from './round-progress';

export type PatrolAlertType = 'patrol.missed' | 'patrol.late' | 'patrol.early' | 'patrol.out_of_order';

/** An alert to raise or clear for one checkpoint of the round; the service turns it into AlertsService calls. */
export interface PatrolAlertEffect {
  action: 'raise' | 'clear';
  type: PatrolAlertType;
  checkpointId: string;
}

export interface RoundChanged {
  round: RoundDto;
  effects: PatrolAlertEffect[];
}

export interface Tap {
  checkpointId: string;
  /** Device time (`ts`), never receive time: a buffered tap is judged by when it happened. */
  at: Date;
  guardId: string;
  guardName?: string;
}

const OUTCOME_ALERT: Partial<Record<RoundCheckpointDto['outcome'], PatrolAlertType>> = {
  early: 'patrol.early',
  late: 'patrol.late',
  missed: 'patrol.missed',
};

/**
 * The earliest tap of a checkpoint is its visit; any other is a `duplicate` (flag only). A buffered
 * tap arriving after its checkpoint was marked missed turns the miss into its own outcome and the
 * missed alert clears. `out_of_order` marks a visit made after a later checkpoint's visit, by device time.
 */
export function visitRound(round: RoundDto, tap: Tap): RoundChanged {
  const index = round.checkpoints.findIndex((c) => c.checkpointId === tap.checkpointId);
  if (index < 0) throw new RangeError(`checkpoint ${tap.checkpointId} is not on round ${round.id}`);
  const effects: PatrolAlertEffect[] = [];
  const checkpoints = round.checkpoints.map((c) => ({ ...c, flags: [...c.flags] }));
  const cp = checkpoints[index]!;
  cp.taps += 1;
  const visitedBefore = cp.visitedAt !== undefined;
  if (visitedBefore && Date.parse(cp.visitedAt!) <= tap.at.getTime()) {
    addFlag(cp, 'duplicate');
  } else {
    if (visitedBefore) addFlag(cp, 'duplicate'); // an earlier tap arrived late (buffered): it is the visit
    const outcome = classifyTap(new Date(cp.plannedAt), round.toleranceMin, tap.at);
    const before = OUTCOME_ALERT[cp.outcome];
    const after = OUTCOME_ALERT[outcome];
    if (before && before !== after) effects.push({ action: 'clear', type: before, checkpointId: cp.checkpointId });
    if (after && before !== after) effects.push({ action: 'raise', type: after, checkpointId: cp.checkpointId });
    Object.assign(cp, { outcome, visitedAt: tap.at.toISOString(), guardId: tap.guardId, guardName: tap.guardName });
    effects.push(...reorderFlags(checkpoints));
  }
  const next = { ...round, checkpoints };
  return { round: { ...next, ...roundProgress(next, { visited: true }) }, effects };
}

/** Recomputes `out_of_order` over every visit; a flag that appears raises, one that goes clears. */
function reorderFlags(checkpoints: RoundCheckpointDto[]): PatrolAlertEffect[] {
  const effects: PatrolAlertEffect[] = [];
  checkpoints.forEach((cp, i) => {
    const at = cp.visitedAt ? Date.parse(cp.visitedAt) : undefined;
    const broken = at !== undefined && checkpoints.slice(i + 1).some((later) => later.visitedAt !== undefined && Date.parse(later.visitedAt) < at);
    const flagged = cp.flags.includes('out_of_order');
    if (broken && !flagged) {
      addFlag(cp, 'out_of_order');
      effects.push({ action: 'raise', type: 'patrol.out_of_order', checkpointId: cp.checkpointId });
    } else if (!broken && flagged) {
      cp.flags = cp.flags.filter((f) => f !== 'out_of_order');
      effects.push({ action: 'clear', type: 'patrol.out_of_order', checkpointId: cp.checkpointId });
    }
  });
  return effects;
}

function addFlag(cp: RoundCheckpointDto, flag: VisitFlag): void {
  if (!cp.flags.includes(flag)) cp.flags.push(flag);
}
