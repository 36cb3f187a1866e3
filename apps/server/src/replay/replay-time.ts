// Virtual time for a replay (replay-main.ts, bench/replay-bench.ts): the server's clock and the
// schedule of its sweeps (Periodic), both moved by the replay instead of the wall.
//
// A sweep at time T must see every message received up to T applied, as it would on a live
// server whose handlers keep up; so before sweeps run the replay's `barrier` waits until what was
// submitted is committed and applied. Barriers cost a drained pipeline each, so they fall on a grid
// of `tickMs` of virtual time: a sweep due within a tick runs at the tick's end, and the ticks of a
// sweep missed since it last ran run once (Periodic skips ticks the same way on a loaded server).
// `tickMs` equal to the shortest sweep period (1 s) is the live pace; a larger tick trades when a
// sweep's alert is raised (up to a tick later) for larger batches. The state a day ends in is the
// same: every rule the sweeps apply is judged from `now` and what is stored (a missed window, a
// silent device, an overdue order), not from when the sweep happened to run.
import type { Clock } from '../common/clock';
import type { Schedule } from '../common/periodic';

interface Job {
  every: number;
  next: number;
  tick: () => Promise<void> | undefined;
}

export interface ReplayTimeOptions {
  /**
   * Overlapped (the fast replay): at a tick the barrier only starts waiting for what was submitted
   * so far, and the sweeps run once it is applied, while the replay goes on submitting what comes
   * after. Each sweep still reads the tick's time (the clock is held there while a sweep starts,
   * so the `now` it takes is the tick's), and sees everything received before it applied; it may
   * also see some of what came after, as a live server's sweep sees a message that arrived while
   * it ran. Default false: the replay waits at each tick until the sweeps have run.
   */
  overlap?: boolean;
  /** Overlapped: ticks whose sweeps may wait at once before the replay waits for them. Default 4. */
  maxBehind?: number;
}

export class ReplayTime {
  private ms: number;
  private readonly jobs = new Set<Job>();
  private readonly overlap: boolean;
  private readonly maxBehind: number;
  /** Overlapped: the sweeps queued so far, in tick order. */
  private sweeping: Promise<void> = Promise.resolve();
  private behind = 0;
  /** Barriers passed and sweep runs started, for the report. */
  readonly counts = { barriers: 0, sweeps: 0 };

  constructor(
    start: number,
    /** The grid barriers fall on; 0: each sweep at its own due time. */
    readonly tickMs: number,
    options: ReplayTimeOptions = {},
  ) {
    if (!Number.isFinite(start)) throw new Error(`ReplayTime: bad start ${start}`);
    if (!(tickMs >= 0)) throw new Error(`ReplayTime: tickMs must be 0 or more, got ${tickMs}`);
    this.ms = start;
    this.overlap = options.overlap ?? false;
    this.maxBehind = options.maxBehind ?? 4;
  }

  /** The server's clock (CLOCK): where the replay is. */
  readonly clock: Clock = { now: () => new Date(this.ms) };

  /** Periodic's schedule: ticks come from advanceTo, never from the wall. */
  readonly schedule: Schedule = (every, tick) => {
    if (!(every > 0)) throw new Error(`ReplayTime: a period must be above 0, got ${every}`);
    const job: Job = { every, next: this.ms + every, tick };
    this.jobs.add(job);
    return () => void this.jobs.delete(job);
  };

  now(): number {
    return this.ms;
  }

  get overlapped(): boolean {
    return this.overlap;
  }

  /**
   * Moves time to `at` (never back), running the sweeps due on each tick on the way after
   * `barrier` (what was submitted before the tick, applied). `barrier` is called at the tick.
   */
  async advanceTo(at: number, barrier: () => Promise<void>): Promise<void> {
    for (;;) {
      const due = this.nextDue();
      if (due === undefined) break;
      const boundary = this.tickMs > 0 ? Math.ceil(due / this.tickMs) * this.tickMs : due;
      if (boundary > at) break;
      if (this.overlap) {
        this.ms = Math.max(this.ms, boundary);
        const jobs = this.takeDue(boundary, false);
        const applied = barrier();
        this.behind++;
        this.sweeping = Promise.all([this.sweeping, applied]).then(async () => {
          await this.run(jobs, boundary);
          this.behind--;
        });
        if (this.behind > this.maxBehind) await this.sweeping;
      } else {
        // The barrier first: what it waits for was received before the tick, and is applied at the time it was.
        await barrier();
        this.ms = Math.max(this.ms, boundary);
        await this.run(this.takeDue(boundary, false), boundary);
      }
    }
    this.ms = Math.max(this.ms, at);
  }

  /** The end of a replay: the sweeps queued, a barrier, then every sweep once at the time reached. */
  async flush(barrier: () => Promise<void>): Promise<void> {
    await this.sweeping;
    await barrier();
    await this.run(this.takeDue(this.ms, true), this.ms);
  }

  private nextDue(): number | undefined {
    let due: number | undefined;
    for (const job of this.jobs) if (due === undefined || job.next < due) due = job.next;
    return due;
  }

  /** The jobs due at `at` (all: every job), each moved to its first tick after `at`: ticks missed run once. */
  private takeDue(at: number, all: boolean): Job[] {
    const due: Job[] = [];
    for (const job of this.jobs) {
      if (!all && job.next > at) continue;
      if (job.next <= at) job.next += job.every * (Math.floor((at - job.next) / job.every) + 1);
      due.push(job);
    }
    return due;
  }

  /** Starts each job with the clock at `at` (what a sweep reads when it starts), then lets time be where the replay is. */
  private async run(jobs: Job[], at: number): Promise<void> {
    this.counts.barriers++;
    const runs: Promise<void>[] = [];
    const current = this.ms;
    this.ms = at;
    try {
      for (const job of jobs) {
        // A job cancelled since it was taken does not run.
        if (!this.jobs.has(job)) continue;
        const run = job.tick();
        if (run) runs.push(run);
      }
    } finally {
      this.ms = Math.max(current, at);
    }
    this.counts.sweeps += runs.length;
    await Promise.all(runs);
  }
}
