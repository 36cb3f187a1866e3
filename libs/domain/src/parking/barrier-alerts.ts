// CONTRACT §4 gate.fault and gate.stuck_open — what a barrier report does to its gate's alerts.
// (The sweep raises gate.stuck_open: isStuckOpen in stuck-open.ts.)
import type { AlertEffect } from '../alert-effect';
import type { BarrierState } from './stuck-open';

/** A gate's barrier as last reported: the state, and the code while it is `fault`. */
export interface BarrierReport {
  barrier: BarrierState | null;
  fault: string | null;
}

export interface BarrierAlerts {
  /** `raise` on a fault, and again (a repeat) on a new code; a heartbeat of the same fault is nothing. */
  fault: AlertEffect;
  /** A barrier that closes ends its stuck-open alert. */
  stuckOpen: 'clear' | null;
}

/** The alerts a change of barrier report calls for, judged against the report before it. */
export function barrierAlerts(before: BarrierReport, after: BarrierReport): BarrierAlerts {
  return { fault: faultEffect(before, after), stuckOpen: after.barrier === 'closed' && before.barrier !== 'closed' ? 'clear' : null };
}

/**
 * What a stored report says of the alerts, for a replay after a crash between the state and its
 * alerts: gate.fault is open exactly while the barrier is `fault`; a closed barrier is not stuck open.
 */
export function barrierAlertsHeld(report: BarrierReport): { fault: boolean; stuckOpen: 'clear' | null } {
  return { fault: report.barrier === 'fault', stuckOpen: report.barrier === 'closed' ? 'clear' : null };
}

/** The code a fault alert carries: a barrier may report `fault` without one. */
export function faultCode(report: BarrierReport): string {
  return report.fault ?? 'unknown';
}

function faultEffect(before: BarrierReport, after: BarrierReport): AlertEffect {
  if (after.barrier === 'fault') return before.barrier !== 'fault' || before.fault !== after.fault ? 'raise' : null;
  // §4: gate.fault clears when the barrier reports open or closed again.
  return before.barrier === 'fault' ? 'clear' : null;
}
