// The daily look at a lot's count (issue 5): a count that cannot be right is flagged for staff
// to recount, because every later parking.full depends on it.
import { localDateOf, wallClockOf } from '../time/site-clock';

/** Over capacity this long without a car leaving is implausible: a missed `out` pass, not a full lot. */
export const OVER_CAPACITY_IMPLAUSIBLE_MS = 2 * 3600_000;

export interface LotCountFacts {
  capacity: number;
  occupancy: number;
  /** `out` passes clamped at 0 in the window reconciled (the last 24 h). */
  negativeClamps: number;
  /** Since when occupancy has been above capacity without a break; null when it is not. */
  overCapacitySince: Date | null;
}

export type LotCountFlag = 'negative_clamps' | 'over_capacity';

/**
 * Why a lot's count is implausible, or [] when it is believable:
 * - `negative_clamps`: at least one `out` pass found the lot empty in the window;
 * - `over_capacity`: occupancy has stayed above capacity for at least 2 h (≥ is implausible).
 */
export function reconcileLot(facts: LotCountFacts, now: Date): LotCountFlag[] {
  const flags: LotCountFlag[] = [];
  if (facts.negativeClamps > 0) flags.push('negative_clamps');
  if (
    facts.occupancy > facts.capacity &&
    facts.overCapacitySince &&
    now.getTime() - facts.overCapacitySince.getTime() >= OVER_CAPACITY_IMPLAUSIBLE_MS
  ) {
    flags.push('over_capacity');
  }
  return flags;
}

/** Site-local hour at which the reconciliation runs (night: few passes, staff can recount in the morning). */
export const RECONCILE_LOCAL_HOUR = 3;

/**
 * The site-local day (YYYY-MM-DD) whose reconciliation is due at `now`, or null before 03:00
 * local time or when that day was already reconciled.
 */
export function reconciliationDue(now: Date, timeZone: string, lastReconciledDay: string | null): string | null {
  if (wallClockOf(now, timeZone).hour < RECONCILE_LOCAL_HOUR) return null;
  const day = localDateOf(now, timeZone);
  if (lastReconciledDay !== null && lastReconciledDay >= day) return null;
  return day;
}

/** Every real time zone's offset is a whole number of quarter hours, so 03:00 local falls on this grid. */
const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * The first instant at or after `now` at which a reconciliation is due (reconciliationDue not
 * null): `now` itself when one is, else the next 03:00 local of a day not yet reconciled.
 */
export function reconciliationDueAt(now: Date, timeZone: string, lastReconciledDay: string | null): Date {
  if (reconciliationDue(now, timeZone, lastReconciledDay) !== null) return now;
  const first = Math.ceil(now.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  // 03:00 local of today or tomorrow, or the day after a reconciled day ahead (clock moved back): three days at most.
  for (let t = first; t < first + 3 * 24 * 3600_000; t += QUARTER_HOUR_MS) {
    if (reconciliationDue(new Date(t), timeZone, lastReconciledDay) !== null) return new Date(t);
  }
  throw new Error(`no reconciliation due within three days of ${now.toISOString()} (${timeZone}, last ${lastReconciledDay})`);
}
