// The guards' phone page's pure rules (issue 12 point 8): where the next checkpoint's window stands
// now, and the time left in words-free parts the page formats. No clock of its own: `now` comes in.
import type { GuardNextCheckpointDto } from '@estate-watch/contracts';

export type WindowPhase = 'before' | 'open' | 'closed';

export interface WindowState {
  phase: WindowPhase;
  /** Until the window opens (before) or closes (open); 0 when closed. */
  ms: number;
}

/** CONTRACT §3: the window [P − tolerance, P + tolerance] is inclusive at both edges. */
export function windowState(next: Pick<GuardNextCheckpointDto, 'windowStart' | 'windowEnd'>, now: number): WindowState {
  const start = Date.parse(next.windowStart);
  const end = Date.parse(next.windowEnd);
  if (now < start) return { phase: 'before', ms: start - now };
  if (now <= end) return { phase: 'open', ms: end - now };
  return { phase: 'closed', ms: 0 };
}

/** `mm:ss`, or `h:mm:ss` from an hour, rounded up to the second (a window never shows 0:00 while open). */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** The server's clock minus this phone's: a phone set wrong still counts down by the server's time. */
export function clockOffset(serverNow: string, received: number): number {
  return Date.parse(serverNow) - received;
}
