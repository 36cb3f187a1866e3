// CONTRACT §4 gate.stuck_open — "barrier open longer than stuckOpenSec".

export type BarrierState = 'open' | 'closed' | 'fault';

/** Open for strictly longer than stuckOpenSec: exactly stuckOpenSec is not stuck yet. */
export function isStuckOpen(barrier: BarrierState | null, openSince: Date | null, now: Date, stuckOpenSec: number): boolean {
  if (barrier !== 'open' || !openSince) return false;
  return now.getTime() - openSince.getTime() > stuckOpenSec * 1000;
}
