// A token bucket on a caller's clock (STYLE: timers take their clock), for the broker's
// connection and message rates. Small enough to keep here: the npm rate limiters read
// Date.now() themselves, which would make every limit test wait in real time.

export class TokenBucket {
  private tokens: number;
  private at: number;

  /** `perSec` tokens a second, at most `burst` saved up; starts full. */
  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.at = nowMs;
  }

  /** Takes a token if one is there now. */
  tryTake(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /**
   * Takes a token now (waitMs 0) or reserves the next free one if it comes within
   * `maxWaitMs`: the caller then waits `waitMs` before going on. Beyond that nothing is
   * reserved and the answer is undefined.
   */
  reserve(nowMs: number, maxWaitMs: number): { waitMs: number } | undefined {
    this.refill(nowMs);
    const waitMs = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSec) * 1000);
    if (waitMs > maxWaitMs) return undefined;
    this.tokens -= 1; // may go below zero: reservations queue up behind each other
    return { waitMs };
  }

  private refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.at);
    this.at = Math.max(this.at, nowMs);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSec) / 1000);
  }
}
