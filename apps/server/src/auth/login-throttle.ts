// Slows password guessing: after too many failed sign-ins for one username from one address,
// that pair is refused (429) until the window passes. Keyed by (address, username) rather than
// username alone, so a stranger cannot lock a real operator out from elsewhere.
// Kept in memory: each instance counts its own failures, which is enough to make guessing slow.
// An attempt is counted when it starts, before the password hash is awaited (issue 8 point 5):
// counting on failure let 50 guesses sent at once all pass the check while the first was hashing.
import type { Clock } from '../common/clock';

export interface LoginThrottleOptions {
  maxFailures: number;
  windowMs: number;
  /** Bounds memory under a spray of random names. */
  maxTracked: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = { maxFailures: 10, windowMs: 15 * 60_000, maxTracked: 10_000 };

interface Failures {
  count: number;
  firstAt: number;
  /** A refusal was already reported (audited) in this window: a flood of refused guesses is one entry, not millions. */
  refusalReported?: boolean;
}

export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly clock: Clock,
    private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
  ) {}

  /** Milliseconds until this pair may try again, or 0 when it may try now. */
  retryAfterMs(address: string, username: string): number {
    const entry = this.current(key(address, username));
    if (!entry || entry.count < this.options.maxFailures) return 0;
    return entry.firstAt + this.options.windowMs - this.clock.now().getTime();
  }

  /**
   * Call before checking the password. 0: go ahead, the attempt is already counted as a failure
   * (synchronously, so parallel attempts see it); otherwise the milliseconds to wait, not counted.
   * A right password then calls recordSuccess, which forgets the count.
   */
  begin(address: string, username: string): number {
    const waitMs = this.retryAfterMs(address, username);
    if (waitMs > 0) return waitMs;
    this.recordFailure(address, username);
    return 0;
  }

  recordFailure(address: string, username: string): void {
    const k = key(address, username);
    const entry = this.current(k);
    if (entry) {
      entry.count += 1;
      return;
    }
    if (this.failures.size >= this.options.maxTracked) this.failures.delete(this.failures.keys().next().value as string);
    this.failures.set(k, { count: 1, firstAt: this.clock.now().getTime() });
  }

  /** True for the first refusal of a blocked pair in its window, false after that. */
  firstRefusal(address: string, username: string): boolean {
    const entry = this.current(key(address, username));
    if (!entry || entry.refusalReported) return false;
    entry.refusalReported = true;
    return true;
  }

  recordSuccess(address: string, username: string): void {
    this.failures.delete(key(address, username));
  }

  private current(k: string): Failures | undefined {
    const entry = this.failures.get(k);
    if (entry && this.clock.now().getTime() - entry.firstAt >= this.options.windowMs) {
      this.failures.delete(k);
      return undefined;
    }
    return entry;
  }
}

function key(address: string, username: string): string {
  return `${address}\u0000${username.toLowerCase()}`;
}
