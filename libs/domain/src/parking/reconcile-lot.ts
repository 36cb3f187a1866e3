// The daily look at a lot's count (issue 5): a count that cannot be right is flagged for staff
// to recount, because every later parking.full depends on it.

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
  const { day, hour } = localDayHour(now, timeZone);
  if (hour < RECONCILE_LOCAL_HOUR) return null;
  if (lastReconciledDay !== null && lastReconciledDay >= day) return null;
  return day;
}

/** One formatter per zone: making one costs far more than using it, and the parking sweep asks every 2 s per lot. */
const dayHourFormats = new Map<string, Intl.DateTimeFormat>();

function localDayHour(at: Date, timeZone: string): { day: string; hour: number } {
  let format = dayHourFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    dayHourFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}
