// Which stored rounds follow the site file (issue 4.1): rounds not yet started take the new plan,
// started ones keep theirs; nothing is created for rounds that started before monitoring began.
import type { RoundDto } from '@estate-watch/contracts';
import { samePlan } from './round-plan';

export interface RoundsReconciled {
  insert: RoundDto[];
  /** Not started, and the site file changed them: the new plan replaces the stored one. */
  replace: RoundDto[];
  /** Not started, and no longer in the site file. */
  remove: RoundDto[];
}

/** Not started: its first window has not opened and nobody tapped for it. */
export function notStarted(round: RoundDto, now: Date): boolean {
  return now.getTime() < Date.parse(round.windowStart) && round.checkpoints.every((c) => c.taps === 0);
}

/**
 * `planned` are the site file's rounds for some dates, `stored` what the database holds for the
 * same dates. `monitoringSince` is when this database first saw the site.
 */
export function reconcileRounds(stored: readonly RoundDto[], planned: readonly RoundDto[], now: Date, monitoringSince: Date): RoundsReconciled {
  const byId = new Map(stored.map((r) => [r.id, r]));
  const plannedIds = new Set(planned.map((r) => r.id));
  const out: RoundsReconciled = { insert: [], replace: [], remove: [] };
  for (const plan of planned) {
    const current = byId.get(plan.id);
    if (!current) {
      if (Date.parse(plan.start) >= monitoringSince.getTime()) out.insert.push(plan);
    } else if (notStarted(current, now) && !samePlan(current, plan)) {
      out.replace.push(plan);
    }
  }
  for (const current of stored) {
    if (!plannedIds.has(current.id) && notStarted(current, now)) out.remove.push(current);
  }
  return out;
}
