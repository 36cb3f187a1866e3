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
