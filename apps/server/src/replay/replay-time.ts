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

export class ReplayTime {
  private ms: number;
  private readonly jobs = new Set<Job>();
  /** Barriers passed and sweep runs started, for the report. */
  readonly counts = { barriers: 0, sweeps: 0 };

  constructor(
    start: number,
    /** The grid barriers fall on; 0: each sweep at its own due time. */
    readonly tickMs: number,
  ) {
    if (!Number.isFinite(start)) throw new Error(`ReplayTime: bad start ${start}`);
    if (!(tickMs >= 0)) throw new Error(`ReplayTime: tickMs must be 0 or more, got ${tickMs}`);
    this.ms = start;
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

  /** Moves time to `at` (never back), running each due sweep after a barrier on the tick grid. */
  async advanceTo(at: number, barrier: () => Promise<void>): Promise<void> {
    for (;;) {
      const due = this.nextDue();
      if (due === undefined) break;
      const boundary = this.tickMs > 0 ? Math.ceil(due / this.tickMs) * this.tickMs : due;
      if (boundary > at) break;
      await this.fire(boundary, barrier, false);
    }
    this.ms = Math.max(this.ms, at);
  }

  /** The end of a replay: a barrier, then every sweep once at the time reached. */
  async flush(barrier: () => Promise<void>): Promise<void> {
    await this.fire(this.ms, barrier, true);
  }

  private nextDue(): number | undefined {
    let due: number | undefined;
    for (const job of this.jobs) if (due === undefined || job.next < due) due = job.next;
    return due;
  }

  private async fire(at: number, barrier: () => Promise<void>, all: boolean): Promise<void> {
    // The barrier first: what it waits for was received before `at`, and is applied at the time it was.
    await barrier();
    this.ms = Math.max(this.ms, at);
    this.counts.barriers++;
    const runs: Promise<void>[] = [];
    for (const job of [...this.jobs]) {
      if (!all && job.next > this.ms) continue;
      // The ticks missed since job.next run once, now.
      if (job.next <= this.ms) job.next += job.every * (Math.floor((this.ms - job.next) / job.every) + 1);
      const run = job.tick();
      if (run) runs.push(run);
    }
    this.counts.sweeps += runs.length;
    await Promise.all(runs);
  }
}
