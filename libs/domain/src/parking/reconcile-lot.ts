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
