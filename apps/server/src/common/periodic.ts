import { Logger } from '@nestjs/common';

/**
 * The rules' timers in one place: each job runs every `ms`, never overlapping itself (a sweep
 * slower than its period skips a tick instead of piling up), and a failure is logged, not thrown.
 * The jobs read the injected clock themselves, so tests drive them with virtual time.
 *
 * With several servers (cluster/) `gate` says whether this one runs a job: each sweep runs on
 * the one server holding its lease.
 */
export class Periodic {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly log = new Logger('Periodic');
  readonly names: string[] = [];
  gate: (name: string) => boolean = () => true;

  every(name: string, ms: number, job: () => Promise<unknown>): void {
    let running = false;
    this.names.push(name);
    const timer = setInterval(() => {
      if (running || !this.gate(name)) return;
      running = true;
      job()
        .catch((error: Error) => this.log.error(`${name} failed: ${error.message}`))
        .finally(() => {
          running = false;
        });
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }
}
