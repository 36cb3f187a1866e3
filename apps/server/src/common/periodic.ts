import { Logger } from '@nestjs/common';

/**
 * Calls `tick` every `ms` until cancelled. The tick returns the job's run (undefined when it was
 * skipped), so a virtual clock (replay/replay-time.ts) can await the sweeps it fires.
 */
export type Schedule = (ms: number, tick: () => Promise<void> | undefined) => () => void;

/** The wall clock: an unref'd setInterval. */
export const wallClockSchedule: Schedule = (ms, tick) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
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

  every(name: string, ms: number, job: () => Promise<unknown>): void {
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
    });
    this.cancels.push(cancel);
  }

  stop(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
  }
}
