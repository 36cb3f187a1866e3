// Which rounds the database should hold (CONTRACT §3, issue 4.1 and issue 8.2): rounds not yet
// started follow the site file, started ones keep their plan; a round already under way when
// monitoring began is tracked with its closed windows `unmonitored`; rounds that ended before
// monitoring began, or more than 24 h ago (no buffered tap can reach them), are not created.
import { MAX_PAST_MS, type RoundDto } from '@estate-watch/contracts';
import { localDateOf, shiftDate } from '../time/site-clock';
import { samePlan } from './round-plan';
import { roundProgress } from './round-progress';

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
 * The site-local dates whose rounds may still matter at `now`: back to the local date 24 h ago
 * (the oldest tap a device may still deliver, CONTRACT §1), less two days because a round may
 * walk past midnight (offsets up to 1440 min plus tolerance up to 720), up to tomorrow (planned
 * ahead of the day boundary).
 */
export function planningDates(now: Date, timeZone: string): string[] {
  const today = localDateOf(now, timeZone);
  const dates: string[] = [];
  for (let d = shiftDate(localDateOf(new Date(now.getTime() - MAX_PAST_MS), timeZone), -2); d <= shiftDate(today, 1); d = shiftDate(d, 1)) dates.push(d);
  return dates;
}

/**
 * A planned round as first tracked at `since`: checkpoints whose window had already closed are
 * `unmonitored` (nobody was watching: no miss, no alert, no order); a buffered tap may still
 * classify them. A round that starts after `since` is returned unchanged.
 */
export function trackFrom(plan: RoundDto, since: Date): RoundDto {
  const t = since.getTime();
  if (!plan.checkpoints.some((c) => Date.parse(c.windowEnd) < t)) return plan;
  const checkpoints = plan.checkpoints.map((c) => (c.outcome === 'pending' && Date.parse(c.windowEnd) < t ? { ...c, outcome: 'unmonitored' as const } : c));
  const next = { ...plan, checkpoints };
  return { ...next, ...roundProgress(next, { now: since }) };
}

/**
 * `planned` are the site file's rounds for some dates, `stored` what the database holds for the
 * same dates. `monitoringSince` is when this database first saw the site.
 */
export function reconcileRounds(stored: readonly RoundDto[], planned: readonly RoundDto[], now: Date, monitoringSince: Date): RoundsReconciled {
  const byId = new Map(stored.map((r) => [r.id, r]));
  const plannedIds = new Set(planned.map((r) => r.id));
  // A round whose last window closed before this instant is not created: before monitoring nobody
  // watched it; more than 24 h ago no tap may still arrive for it (CONTRACT §1, §3).
  const endedBefore = Math.max(monitoringSince.getTime(), now.getTime() - MAX_PAST_MS);
  const out: RoundsReconciled = { insert: [], replace: [], remove: [] };
  for (const plan of planned) {
    const current = byId.get(plan.id);
    if (!current) {
      if (Date.parse(plan.windowEnd) >= endedBefore) out.insert.push(trackFrom(plan, monitoringSince));
    } else if (notStarted(current, now) && !samePlan(current, plan)) {
      out.replace.push(plan);
    }
  }
  for (const current of stored) {
    if (!plannedIds.has(current.id) && notStarted(current, now)) out.remove.push(current);
  }
  return out;
}
