// SLA compliance of one work order, as the work-order report counts it (issue 3.5, CONTRACT §5).
// The report computes the same rule in SQL over many orders (ReportsRepository); this is the
// definition, and the storage suite checks the two agree.

export interface SlaTimes {
  acceptBy: Date;
  resolveBy: Date;
  acceptedAt?: Date | null;
  resolvedAt?: Date | null;
  verifiedAt?: Date | null;
  closedAt?: Date | null;
}

export type SlaOutcome = 'met' | 'missed' | 'pending';

/**
 * When the order was done: resolved, or else verified or closed without a recorded resolution
 * (CONTRACT §5: a device confirming the condition cleared verifies an order from any open status).
 */
export function doneAt(o: SlaTimes): Date | null {
  return o.resolvedAt ?? o.verifiedAt ?? o.closedAt ?? null;
}

/**
 * - `met`: accepted by acceptBy AND done by resolveBy (both deadlines inclusive). An order done
 *   without ever being accepted (a device verified it) counts as accepted when it was done.
 * - `missed`: a deadline has passed unmet — accepted (or done) after it, or still not by `now`.
 * - `pending`: neither yet; it is left out of the compliance figure until one is known.
 */
export function slaOutcome(o: SlaTimes, now: Date): SlaOutcome {
  const done = doneAt(o);
  const accepted = o.acceptedAt ?? done;
  const acceptMissed = accepted ? accepted > o.acceptBy : now > o.acceptBy;
  const resolveMissed = done ? done > o.resolveBy : now > o.resolveBy;
  if (acceptMissed || resolveMissed) return 'missed';
  return accepted && done ? 'met' : 'pending';
}
