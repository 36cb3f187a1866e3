// CONTRACT §4 device.offline — "no status for 3 × heartbeatSec".
import { OFFLINE_AFTER_HEARTBEATS } from '@estate-watch/contracts';

/**
 * An online device whose last status is strictly before the instant returned is silent: offline.
 * Exactly 3 heartbeats old is not yet. Silence is counted from `watchingSince` at the earliest
 * (while the server was down nobody heard the devices, so a restart must not call every device
 * offline before it had a chance to report): null while no device can have been silent that long.
 */
export function silentBefore(now: Date, heartbeatSec: number, watchingSince: Date | null): Date | null {
  const before = new Date(now.getTime() - heartbeatSec * OFFLINE_AFTER_HEARTBEATS * 1000);
  if (watchingSince && watchingSince.getTime() >= before.getTime()) return null;
  return before;
}

/**
 * The first instant at which a device whose last status was at `lastStatusAt` counts as silent
 * (silentBefore: strictly more than 3 heartbeats, and as long since `watchingSince`). A replay
 * runs the offline sweep then (NextDue, apps/server common/periodic.ts) instead of every 5 s.
 */
export function silentFrom(lastStatusAt: Date, heartbeatSec: number, watchingSince: Date | null): Date {
  const from = Math.max(lastStatusAt.getTime(), watchingSince?.getTime() ?? -Infinity);
  return new Date(from + heartbeatSec * OFFLINE_AFTER_HEARTBEATS * 1000 + 1);
}
