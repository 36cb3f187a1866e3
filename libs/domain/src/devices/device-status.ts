// CONTRACT §4 device.offline and device.clock_skew — what a device's `status` does to its alerts.
import { CLOCK_SKEW_LIMIT_MS } from '@estate-watch/contracts';
import type { AlertEffect } from '../alert-effect';

/** Receive time minus device time; undefined without a device time (a last will has no `ts`). */
export function clockSkewMs(receivedAt: Date, observedAt: Date | undefined): number | undefined {
  return observedAt ? receivedAt.getTime() - observedAt.getTime() : undefined;
}

/** More than 120 s either way; exactly 120 s is fine. */
export function isClockSkewed(skewMs: number): boolean {
  return Math.abs(skewMs) > CLOCK_SKEW_LIMIT_MS;
}

export interface StatusReport {
  online: boolean;
  /** Undefined for a status without a device time (the last will). */
  clockSkewMs?: number;
}

/** The device as the status before this one left it. */
export interface DeviceBefore {
  online: boolean;
  clockSkewMs: number | null;
}

export interface StatusAlerts {
  /** Each offline report (status or last will) raises, a repeat while open; the first online one clears. */
  offline: AlertEffect;
  /** Each status past the limit raises, a repeat while open; the first back within it clears. */
  clockSkew: AlertEffect;
}

export function statusAlerts(status: StatusReport, before: DeviceBefore): StatusAlerts {
  return { offline: offlineEffect(status, before), clockSkew: clockSkewEffect(status, before) };
}

/**
 * What a stored device says must be open, for a replay after a crash between the status and its
 * alerts: device.offline while it is offline, device.clock_skew while its last skew is past the
 * limit (null: no skew known, nothing to say).
 */
export function statusAlertsHeld(stored: StatusReport): { offline: boolean; clockSkew: boolean | null } {
  return { offline: !stored.online, clockSkew: stored.clockSkewMs === undefined ? null : isClockSkewed(stored.clockSkewMs) };
}

function offlineEffect(status: StatusReport, before: DeviceBefore): AlertEffect {
  if (!status.online) return 'raise';
  return before.online ? null : 'clear';
}

function clockSkewEffect(status: StatusReport, before: DeviceBefore): AlertEffect {
  if (status.clockSkewMs === undefined) return null;
  if (isClockSkewed(status.clockSkewMs)) return 'raise';
  return before.clockSkewMs !== null && isClockSkewed(before.clockSkewMs) ? 'clear' : null;
}
