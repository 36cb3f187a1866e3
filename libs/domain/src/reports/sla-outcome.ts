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

export type SlaOutcome = 'met' | 'missed' | 'pending' | 'auto_closed';

/**
 * When the order was done: resolved, or else verified or closed without a recorded resolution
 * (CONTRACT §5: a device confirming the condition cleared verifies an order from any open status).
 */
export function doneAt(o: SlaTimes): Date | null {
  return o.resolvedAt ?? o.verifiedAt ?? o.closedAt ?? null;
}

/**
 * Done with nobody accepting or resolving it: a device confirmed its condition cleared and
 * verified it (CONTRACT §5). No person's response time is in it, so the SLA leaves it out.
 */
export function autoClosed(o: SlaTimes): boolean {
  return !o.acceptedAt && !o.resolvedAt && doneAt(o) !== null;
}

/**
 * - `auto_closed`: done without acceptance or resolution (autoClosed): reported apart, neither met
 *   nor missed (issue 12.5: counting them as met showed 100 % where most were never accepted).
 * - `met`: accepted by acceptBy AND done by resolveBy (both deadlines inclusive).
 * - `missed`: a deadline has passed unmet — accepted (or done) after it, or still not by `now`.
 * - `pending`: neither yet; it is left out of the compliance figure until one is known.
 */
export function slaOutcome(o: SlaTimes, now: Date): SlaOutcome {
  if (autoClosed(o)) return 'auto_closed';
  const done = doneAt(o);
  const accepted = o.acceptedAt ?? done; // resolved with no accept step: taken when it was resolved
  const acceptMissed = accepted ? accepted > o.acceptBy : now > o.acceptBy;
  const resolveMissed = done ? done > o.resolveBy : now > o.resolveBy;
  if (acceptMissed || resolveMissed) return 'missed';
  return accepted && done ? 'met' : 'pending';
}
