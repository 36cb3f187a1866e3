// Rejections are logged with their reason, but a flood (a broken or hostile device sending
// thousands a second) must not flood the log: a fixed number of lines per window, then one
// line saying how many were left out. Takes the clock, so tests need no waiting.
import type { Clock } from '../common/clock';

export class RateLimitedLog {
  private windowStart = -Infinity;
  private written = 0;
  private suppressed = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly clock: Clock,
    private readonly perWindow = 20,
    private readonly windowMs = 60_000,
    /** What the summary line counts. */
    private readonly what = 'more rejected messages were',
  ) {}

  log(line: string): void {
    const now = this.clock.now().getTime();
    if (now - this.windowStart >= this.windowMs) {
      if (this.suppressed > 0) this.write(`${this.suppressed} ${this.what} not logged in the last ${this.windowMs / 1000} s`);
      this.windowStart = now;
      this.written = 0;
      this.suppressed = 0;
    }
    if (this.written < this.perWindow) {
      this.written++;
      this.write(line);
    } else {
      this.suppressed++;
    }
  }
}
