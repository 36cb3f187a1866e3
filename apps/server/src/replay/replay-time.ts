// Virtual time for a replay (replay-main.ts, bench/replay-bench.ts): the server's clock and the
// schedule of its sweeps (Periodic), both moved by the replay instead of the wall.
//
// A sweep at time T must see every message received before T applied, as it would on a live
// server whose handlers keep up; so before sweeps run the replay's `barrier(T)` waits until what
// was received before T is committed and applied. Where the barriers fall:
// - `useDue` (the fast replay): a sweep that says when it is next due (Periodic's NextDue: the
//   earliest instant what is stored could give it something to do, and how soon after a message a
//   deadline it creates can fall) runs at that instant and no other; one that does not say runs
//   every period. A quiet day then has a barrier where a sweep has work or could have been given
//   some, not one every second.
// - `tickMs` > 0: the instants are rounded up to a grid of tickMs, so sweeps due within a tick
//   run once at its end (ticks missed since run once, as Periodic skips ticks on a loaded server).
//   `tickMs` 1000 without `useDue` is the live pace: every sweep at its period.
// The state a day ends in is the same: every rule the sweeps apply is judged from `now` and what is
// stored (a missed window, a silent device, an overdue order), not from when the sweep happened to run.
import type { Clock } from '../common/clock';
import type { NextDue, Schedule } from '../common/periodic';

interface Job {
  every: number;
  /** When it runs next; Infinity while a run is under way (overlapped) or nothing is due. */
  next: number;
  tick: () => Promise<void> | undefined;
  due?: NextDue;
  /** Overlapped, exact: the instant it was taken at, until it ran and said when it is next due. */
  pendingAt?: number;
}

export interface ReplayTimeOptions {
  /**
   * Overlapped (the fast replay): at a barrier the replay does not stop; the barrier waits for what
   * was received before its time to be applied and the sweeps then start with the clock held at
   * that time (the `now` each reads when it starts), while the replay goes on submitting what comes
   * after. A sweep still sees everything received before its time applied; it may also see what
   * came up to `aheadMs` after, as a live server's sweep sees a message that arrived while it ran,
   * except a sweep whose NextDue is `exact`: those run on a chain of their own, and the replay
   * holds back the messages they judge (replay-ingest.ts) until `exactClear` says they ran.
   * Default false: the replay waits at each barrier until the sweeps have run.
   */
  overlap?: boolean;
  /** Overlapped: how far (virtual ms) the replay may go past the oldest barrier whose sweeps have not run. Default 3,600,000. */
  aheadMs?: number;
  /** Sweeps with a NextDue run when due instead of every period. Default false (the live pace). */
  useDue?: boolean;
}

/** The barrier: everything received before `at` applied by every handler. */
export type Barrier = (at: number) => Promise<void>;

export class ReplayTime {
  private ms: number;
  private readonly jobs = new Set<Job>();
  private readonly overlap: boolean;
  private readonly aheadMs: number;
  private readonly useDue: boolean;
  /** Overlapped: the barriers queued, oldest first, each done once its sweeps ran. */
  private readonly queued: { at: number; done: Promise<void> }[] = [];
  private sweeping: Promise<void> = Promise.resolve();
  /** Overlapped: the exact sweeps' chain, never behind the other barriers (what those wait for may be held for an exact one). */
  private exactSweeping: Promise<void> = Promise.resolve();
  /** The exact sweeps' barrier advanceTo was last given: one whose next instant already passed is queued with it. */
  private exactBarrier: Barrier | undefined;
  /** Overlapped: called each time an exact sweep ran and said when it is next due; what was held for it may go in. */
  onExactRan: (() => void) | undefined;
  /**
   * The replay's answer to "everything received before when is applied?" (replay-ingest.ts); a
   * NextDue's lead counts from there. Unset: from the sweep's own time (all a barrier waited for).
   */
  appliedBefore: (() => number) | undefined;
  /** Barriers passed and sweep runs started, for the report. */
  readonly counts = { barriers: 0, sweeps: 0 };
  /** Overlapped: wall ms the replay waited at the look-ahead bound. */
  readonly waited = { ahead: 0 };

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
    this.aheadMs = options.aheadMs ?? 3_600_000;
    this.useDue = options.useDue ?? false;
  }

  /** The server's clock (CLOCK): where the replay is. */
  readonly clock: Clock = { now: () => new Date(this.ms) };

  /** Periodic's schedule: ticks come from advanceTo, never from the wall. */
  readonly schedule: Schedule = (every, tick, due) => {
    if (!(every > 0)) throw new Error(`ReplayTime: a period must be above 0, got ${every}`);
    const job: Job = { every, next: this.ms + every, tick, due: this.useDue ? due : undefined };
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
   * Overlapped: every exact sweep due at or before `at` has run (and said when it is next due), so
   * a message received at `at` that such a sweep judges may go in.
   */
  exactClear(at: number): boolean {
    for (const job of this.jobs) if (job.due?.exact && (job.pendingAt ?? job.next) <= at) return false;
    return true;
  }

  /**
   * Runs `submit` with the clock at `at` (what ingest reads as the receive time when it starts):
   * a message held for an exact sweep goes in later than it was received, dated as it was.
   */
  at<T>(at: number, submit: () => T): T {
    const current = this.ms;
    this.ms = at;
    try {
      return submit();
    } finally {
      this.ms = Math.max(current, at);
    }
  }

  /**
   * Moves time to `at` (never back), placing a barrier at each instant a sweep is due on the way
   * and running those sweeps after it (overlapped, an exact sweep after `exactBarrier`). Overlapped,
   * it returns once no barrier older than `at - aheadMs` waits.
   */
  async advanceTo(at: number, barrier: Barrier, exactBarrier: Barrier = barrier): Promise<void> {
    this.exactBarrier = exactBarrier;
    for (;;) {
      const boundary = this.nextBoundary();
      const to = boundary !== undefined && boundary <= at ? boundary : at;
      // Overlapped: the oldest barrier too far behind; once it ran, a sweep's next due may come sooner.
      const oldest = this.queued[0];
      if (oldest && oldest.at < to - this.aheadMs) {
        const started = performance.now();
        await oldest.done;
        this.waited.ahead += performance.now() - started;
        this.queued.shift();
        continue;
      }
      if (to !== boundary) break;
      const jobs = this.takeDue(boundary, false);
      if (this.overlap) {
        this.ms = Math.max(this.ms, boundary);
        // A sweep that must see nothing from after its instant: on its own chain, the replay holding what it judges meanwhile.
        const exact = jobs.filter((job) => job.due?.exact);
        if (exact.length > 0) this.queueExact(exact, boundary);
        const others = jobs.filter((job) => !job.due?.exact);
        if (others.length > 0) {
          // Waited for once the barriers before it passed: one wait at a time, in order.
          this.sweeping = this.sweeping.then(() => barrier(boundary)).then(() => this.run(others, boundary));
          this.queued.push({ at: boundary, done: this.sweeping });
        }
      } else {
        // The barrier first: what it waits for was received before the tick, and is applied at the time it was.
        await barrier(boundary);
        this.ms = Math.max(this.ms, boundary);
        await this.run(jobs, boundary);
      }
    }
    this.ms = Math.max(this.ms, at);
  }

  /** The end of a replay: the sweeps queued, a barrier, then every sweep once at the time reached. */
  async flush(barrier: Barrier): Promise<void> {
    for (;;) {
      const [sweeping, exact] = [this.sweeping, this.exactSweeping];
      await Promise.all([sweeping, exact]);
      if (sweeping === this.sweeping && exact === this.exactSweeping) break;
    }
    this.queued.length = 0;
    await barrier(Infinity);
    await this.run(this.takeDue(this.ms, true), this.ms);
  }

  /**
   * Overlapped: exact sweeps at `at` after the barrier, on their chain. Once they ran, one whose
   * next instant the replay has already passed is queued at once (what it judges from there on is
   * still held), then the replay hears it may release what waited.
   */
  private queueExact(jobs: Job[], at: number): void {
    const barrier = this.exactBarrier!;
    for (const job of jobs) job.pendingAt = at;
    const run = this.exactSweeping.then(() => barrier(at)).then(() => this.run(jobs, at));
    this.exactSweeping = run.finally(() => {
      for (const job of jobs) job.pendingAt = undefined;
      this.queueLateExact();
      this.onExactRan?.();
    });
  }

  private queueLateExact(): void {
    let due = Infinity;
    for (const job of this.jobs) if (job.due?.exact && job.pendingAt === undefined) due = Math.min(due, job.next);
    if (!(due <= this.ms)) return;
    const jobs = [...this.jobs].filter((job) => job.due?.exact && job.pendingAt === undefined && job.next === due);
    for (const job of jobs) job.next = Infinity;
    this.queueExact(jobs, due);
  }

  /** The next instant a barrier falls: the earliest due, rounded up to the grid. */
  private nextBoundary(): number | undefined {
    let due = Infinity;
    for (const job of this.jobs) due = Math.min(due, job.next);
    if (!Number.isFinite(due)) return undefined;
    return this.tickMs > 0 ? Math.ceil(due / this.tickMs) * this.tickMs : due;
  }

  /** The jobs due at `at` (all: every job). A periodic job moves to its first tick after `at` (ticks missed run once); one with a NextDue waits for its run to say. */
  private takeDue(at: number, all: boolean): Job[] {
    const due: Job[] = [];
    for (const job of this.jobs) {
      if (!all && job.next > at) continue;
      if (job.due) job.next = Infinity;
      else if (job.next <= at) job.next += job.every * (Math.floor((at - job.next) / job.every) + 1);
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
        if (run) {
          this.counts.sweeps++;
          runs.push(job.due ? run.then(() => this.scheduleAfter(job, at)) : run);
        } else if (job.due) {
          runs.push(this.scheduleAfter(job, at));
        }
      }
    } finally {
      this.ms = Math.max(current, at);
    }
    await Promise.all(runs);
  }

  /**
   * A job with a NextDue after its run at `at`: at its next due instant, or `leadMs` after what was
   * applied when it looked, when that comes first (a message not yet applied may create a deadline
   * no earlier than that). A due not after `at` (what was due is still there: the sweep failed)
   * waits a period.
   */
  private async scheduleAfter(job: Job, at: number): Promise<void> {
    const due = job.due!;
    let next: number;
    try {
      const applied = Math.max(at, this.appliedBefore?.() ?? at);
      const after = await due.after(new Date(at));
      next = Math.min(after ? after.getTime() : Infinity, applied + due.leadMs);
    } catch {
      next = at + job.every;
    }
    job.next = next > at ? next : at + job.every;
  }
}
