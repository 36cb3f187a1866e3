// CONTRACT §4 gate.stuck_open — "barrier open longer than stuckOpenSec".

export type BarrierState = 'open' | 'closed' | 'fault';

/** Open for strictly longer than stuckOpenSec: exactly stuckOpenSec is not stuck yet. */
export function isStuckOpen(barrier: BarrierState | null, openSince: Date | null, now: Date, stuckOpenSec: number): boolean {
  if (barrier !== 'open' || !openSince) return false;
  return now.getTime() - openSince.getTime() > stuckOpenSec * 1000;
}

/** The first instant at which a barrier open since `openSince` is stuck (isStuckOpen: strictly longer than stuckOpenSec). */
export function stuckOpenFrom(openSince: Date, stuckOpenSec: number): Date {
  return new Date(openSince.getTime() + stuckOpenSec * 1000 + 1);
}

/** A barrier's current opening as stored: its state, since when, and whether its stuck-open alert was raised. */
export interface Opening {
  barrier: BarrierState | null;
  openSince: Date | null;
  raised: boolean;
}

/**
 * An opening that ended (the barrier reported `closed` or `fault` at `endedAt`) after more than
 * stuckOpenSec with no gate.stuck_open raised for it: no sweep looked while it was stuck (the
 * server learned of the end before a sweep came, being behind or replaying). The condition held
 * all the same, from stuckOpenFrom until `endedAt`, so the alert is owed, as of that first instant;
 * null when none is. Whether the alert exists thus depends on device times only, not on when a
 * sweep ran.
 */
export function stuckOpenOwed(opening: Opening, next: BarrierState, endedAt: Date, stuckOpenSec: number): Date | null {
  if (opening.raised || next === 'open' || !isStuckOpen(opening.barrier, opening.openSince, endedAt, stuckOpenSec)) return null;
  return stuckOpenFrom(opening.openSince!, stuckOpenSec);
}
