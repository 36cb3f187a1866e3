import { Logger } from '@nestjs/common';

/**
 * When a sweep next has something to do, for a schedule that can use it (the replay's virtual
 * time, replay/replay-time.ts); the wall clock runs every sweep at its period, and an `exact`
 * one at its due instants too.
 */
export interface NextDue {
  /**
   * The earliest instant after `now` at which what is stored gives the sweep something to do (a
   * device falls silent, a window closes, a barrier counts as stuck, a deadline passes), or null
   * if nothing does. Read after the sweep ran at `now`.
   */
  after(now: Date): Promise<Date | null>;
  /**
   * The least time from a message's receipt to a deadline it can create for this sweep (a device
   * back online: 3 heartbeats): a due brought forward by what arrives later is never nearer.
   * Infinity: messages create none.
   */
  leadMs: number;
  /**
   * What the sweep decides depends on whether a message came before or after its instant (a tap
   * against a window that closed): a replay that lets sweeps see what came after their instant
   * (replay-time.ts, overlapped) holds this one to exactly what came before.
   */
  exact?: boolean;
}

/**
 * Calls `tick` every `ms` until cancelled, or (a schedule that reads `due`) when it is due. The
 * tick returns the job's run (undefined when it was skipped), so a virtual clock
 * (replay/replay-time.ts) can await the sweeps it fires.
 */
export type Schedule = (ms: number, tick: () => Promise<void> | undefined, due?: NextDue) => () => void;

/**
 * The wall clock: an unref'd setInterval (every period). A job whose instants are `exact` (the
 * patrol sweep: a window closes at a known instant) also runs at its next due instant when that
 * falls before the next period, so a missed window reaches the screens as it closes, not up to a
 * period later. Other jobs ignore `due` here.
 */
export const wallClockSchedule: Schedule = (ms, tick, due) => {
  let aimed: NodeJS.Timeout | undefined;
  let stopped = false;
  const aim = async () => {
    const at = await due!.after(new Date()).catch(() => null);
    if (stopped || !at) return;
    const wait = at.getTime() - Date.now();
    // Only an instant still ahead and before the next tick: one already passed (the run just now
    // left it due, e.g. a plan that failed) waits for the period, never a loop of immediate runs.
    if (wait <= 0 || wait >= ms) return;
    clearTimeout(aimed);
    // 1 ms past the instant: a timer may fire a millisecond early, and the rule acts from the instant on.
    aimed = setTimeout(run, wait + 1);
    aimed.unref();
  };
  const run = () => {
    const ran = tick();
    if (due?.exact && ran) void ran.then(aim);
  };
  const timer = setInterval(run, ms);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(aimed);
  };
};

/**
 * The rules' timers in one place: each job runs every `ms`, never overlapping itself (a sweep
 * slower than its period skips a tick instead of piling up), and a failure is logged, not thrown.
 * The jobs read the injected clock themselves, so tests drive them with virtual time.
 *
 * With several servers (cluster/) `gate` says whether this one runs a job: each sweep runs on
 * the one server holding its lease.
 */
export class Periodic {
  private readonly cancels: Array<() => void> = [];
  private readonly log = new Logger('Periodic');
  readonly names: string[] = [];
  gate: (name: string) => boolean = () => true;

  /** `schedule`: the wall clock, or a replay's virtual time. */
  constructor(private readonly schedule: Schedule = wallClockSchedule) {}

  /** `due`: when the job next has work, for a schedule that skips the runs in between (the replay's). */
  every(name: string, ms: number, job: () => Promise<unknown>, due?: NextDue): void {
    let running = false;
    this.names.push(name);
    const cancel = this.schedule(ms, () => {
      if (running || !this.gate(name)) return undefined;
      running = true;
      return job()
        .then(
          () => undefined,
          (error: Error) => this.log.error(`${name} failed: ${error.message}`),
        )
        .finally(() => {
          running = false;
        });
    }, due);
    this.cancels.push(cancel);
  }

  stop(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
  }
}
