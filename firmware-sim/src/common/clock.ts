// Anything time-based takes its clock as a parameter (STYLE: MQTT.js keepalive), so tests run
// hours of heartbeats in milliseconds and a day of recorded traffic replays instantly.

export type Cancel = () => void;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Runs `fn` once, `ms` from now in this clock's time. `unref`: a wall-clock timer that should
   * not keep the process alive by itself (a schedule hours ahead).
   */
  setTimer(ms: number, fn: () => void, options?: { unref?: boolean }): Cancel;
}

/** Wall-clock time. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn, options) {
    const timer = setTimeout(fn, Math.max(0, ms));
    if (options?.unref) timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Runs `fn` every `ms` until cancelled. */
export function every(clock: Clock, ms: number, fn: () => void): Cancel {
  let cancel: Cancel = () => undefined;
  let stopped = false;
  const arm = () => {
    cancel = clock.setTimer(ms, () => {
      if (stopped) return;
      arm();
      fn();
    });
  };
  arm();
  return () => {
    stopped = true;
    cancel();
  };
}

/** Resolves when `clock` reaches `at` (epoch ms); immediately if it already has. */
export function sleepUntil(clock: Clock, at: number): Promise<void> {
  const wait = at - clock.now();
  if (wait <= 0) return Promise.resolve();
  return new Promise((resolve) => clock.setTimer(wait, resolve));
}

/** Wall-clock time running `speed` times faster, starting from `start` (default now). */
export function scaledClock(speed: number, start: number = Date.now()): Clock {
  if (!(speed > 0)) throw new Error(`speed must be a positive number, got ${speed}`);
  const realStart = Date.now();
  return {
    now: () => start + (Date.now() - realStart) * speed,
    setTimer: (ms, fn, options) => systemClock.setTimer(ms / speed, fn, options),
  };
}

/**
 * `base` running `speed` times faster from now on: a demo lives an estate's day in 1/speed of it.
 * Works on any clock, so a VirtualClock can drive it in tests.
 */
export function scaleClock(base: Clock, speed: number): Clock {
  if (!(speed > 0)) throw new Error(`speed must be a positive number, got ${speed}`);
  const [start, baseStart] = [base.now(), base.now()];
  return {
    now: () => start + (base.now() - baseStart) * speed,
    // Rounded up, so a timer never fires a fraction of a millisecond before its scaled due time.
    setTimer: (ms, fn, options) => base.setTimer(Math.ceil(Math.max(0, ms) / speed), fn, options),
  };
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Virtual time. `advance(ms)` fires every timer due on the way, in time order.
 * With `auto: true` the clock jumps to the next timer by itself (on a macrotask, so
 * pending I/O settles first): waits cost nothing and a day replays in milliseconds.
 */
export class VirtualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;
  private autoScheduled = false;
  private readonly auto: boolean;

  constructor(options: { start?: number | Date | string; auto?: boolean } = {}) {
    const start = options.start ?? Date.now();
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
    if (Number.isNaN(this.current)) throw new Error(`VirtualClock: bad start time ${String(options.start)}`);
    this.auto = options.auto ?? false;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): Cancel {
    const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    this.scheduleAuto();
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order; awaits a macrotask after each. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(at: number): Promise<void> {
    for (;;) {
      const next = this.nextTimer();
      if (!next || next.at > at) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.current = Math.max(this.current, at);
  }

  private nextTimer(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  private scheduleAuto(): void {
    if (!this.auto || this.autoScheduled) return;
    this.autoScheduled = true;
    setImmediate(() => {
      this.autoScheduled = false;
      const next = this.nextTimer();
      if (!next) return;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
      if (this.timers.length > 0) this.scheduleAuto();
    });
  }
}
