// Issue 12.4 — a critical alert is not missed: until someone acknowledges it, it sounds again
// every 30 s, unless snoozed (server-side, with a reason) or muted by this user for the rest of
// the current shift. Pure: the clock is a parameter.
import type { AlertDto } from '@estate-watch/contracts';
import { localDateOf, shiftDate, wallClockOf, zonedInstant } from '@estate-watch/domain/time';

export const REMINDER_EVERY_MS = 30_000;
/** 12-hour shifts change at these site-local hours (day 08:00–20:00, night 20:00–08:00). */
export const SHIFT_CHANGE_HOURS = [8, 20] as const;

/** Critical, nobody acknowledged it yet (cleared or not: CONTRACT §4 still asks), not snoozed now. */
export function needsReminder(alert: AlertDto, now: Date): boolean {
  if (alert.severity !== 'critical' || alert.acknowledgedAt) return false;
  return !alert.snoozedUntil || Date.parse(alert.snoozedUntil) <= now.getTime();
}

/** Critical alerts still waiting for someone: the banner's list (snoozed ones too, marked). */
export function unacknowledgedCritical(alerts: Iterable<AlertDto>): AlertDto[] {
  return [...alerts].filter((a) => a.severity === 'critical' && !a.acknowledgedAt).sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
}

/** When the shift that `now` falls in ends: the site's shifts, on the site's clock (not this browser's). */
export function shiftEnd(now: Date, timeZone: string): Date {
  const hour = wallClockOf(now, timeZone).hour;
  const today = localDateOf(now, timeZone);
  const next = SHIFT_CHANGE_HOURS.find((h) => h > hour);
  const at = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return next === undefined ? zonedInstant(shiftDate(today, 1), at(SHIFT_CHANGE_HOURS[0]), timeZone) : zonedInstant(today, at(next), timeZone);
}

/** A user's mute: it ends with their shift, and another user at the same desk is not muted by it. */
export interface ShiftMute {
  user: string;
  until: string;
}

export function isMuted(mute: ShiftMute | null, user: string | undefined, now: Date): boolean {
  return !!mute && !!user && mute.user === user && Date.parse(mute.until) > now.getTime();
}

/**
 * Whether a chime plays for this alert change: a newly raised critical alert always sounds (a mute
 * never hides a new one); a major one unless muted.
 */
export function chimeForRaise(severity: AlertDto['severity'], muted: boolean): 'critical' | 'major' | null {
  if (severity === 'critical') return 'critical';
  return muted ? null : 'major';
}
