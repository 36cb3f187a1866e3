import { Logger } from '@nestjs/common';

/**
 * The rules' timers in one place: each job runs every `ms`, never overlapping itself (a sweep
 * slower than its period skips a tick instead of piling up), and a failure is logged, not thrown.
 * The jobs read the injected clock themselves, so tests drive them with virtual time.
 */
export class Periodic {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly log = new Logger('Periodic');

  every(name: string, ms: number, job: () => Promise<unknown>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
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
