// Walks the planned rounds in time: each tap of `planDay` is sent when the clock reaches it,
// day after day, so the control room shows a living patrol. Time comes only from the clock
// (STYLE: MQTT.js keepalive): a test runs a whole day on a VirtualClock in milliseconds.
import type { SiteConfig } from '@estate-watch/contracts';
import { systemClock, type Cancel, type Clock } from '../common/clock';
import { addDays, localDate, localTime } from '../common/local-time';
import { silentLog, type SimLog } from '../common/log';
import { daysAround, planDay, type PlannedTap, type PlanOptions } from '../plans/patrol-plan';
import { formatTs } from '../common/time';

export interface PatrolOptions extends PlanOptions {
  /** Seed for who deviates where; default the simulator's seed. Same seed, same day. */
  seed?: number;
}

export interface PatrolWalkerOptions extends PatrolOptions {
  sites: SiteConfig[];
  /** Sends one tap, e.g. through the simulator's checkpoint device. */
  tap: (tap: PlannedTap & { at: Date }) => Promise<unknown>;
  clock?: Clock;
  log?: SimLog;
}

type Scheduled = PlannedTap & { at: Date };

export class PatrolWalker {
  private readonly clock: Clock;
  private readonly log: SimLog;
  private readonly timers = new Map<Scheduled, Cancel>();
  private readonly dayTimers: Cancel[] = [];
  private readonly plannedDays = new Set<string>();
  private readonly announced = new Set<string>();
  private startedAt: number | undefined;
  private stopped = false;
  /** Taps sent so far, in order. */
  readonly sent: PlannedTap[] = [];

  constructor(private readonly options: PatrolWalkerOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLog;
  }

  /**
   * Schedules every tap still ahead. Started mid-round, the guard picks up at the next checkpoint
   * whose planned time has not passed: a real guard does not tap the past.
   */
  start(): this {
    if (this.startedAt !== undefined) return this;
    this.startedAt = this.clock.now();
    for (const site of this.options.sites) {
      const today = localDate(this.startedAt, site.site.timezone);
      for (const day of daysAround(today)) this.planDay(site, day);
      this.armMidnight(site, today);
    }
    const next = this.upcoming()[0];
    const where = next && this.options.sites.find((s) => s.site.id === next.siteId)!.site.timezone;
    this.log('info', `patrol: guards walk ${this.options.sites.flatMap((s) => s.routes).length} routes` + (next ? `; next tap ${formatTs(next.at!.getTime(), where!)} at ${next.checkpointId}` : ''));
    return this;
  }

  /** Cancels every pending tap and the day planning; taps already sent stay sent. */
  stop(): void {
    this.stopped = true;
    for (const cancel of [...this.timers.values(), ...this.dayTimers]) cancel();
    this.timers.clear();
    this.dayTimers.length = 0;
  }

  /**
   * Sends one upcoming tap at `at` instead (the demo's opening: its guard set off early). The
   * planned tap is cancelled, so the checkpoint is tapped once, not twice.
   */
  rush(tap: PlannedTap, at: Date): void {
    const scheduled = [...this.timers.keys()].find((t) => t === tap);
    if (!scheduled || this.stopped) return;
    this.timers.get(scheduled)!();
    this.timers.delete(scheduled);
    this.schedule({ ...scheduled, at, deviation: 'early' });
  }

  /** Taps scheduled and not yet sent, in time order. */
  upcoming(): PlannedTap[] {
    return [...this.timers.keys()].sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  private planDay(site: SiteConfig, date: string): void {
    const key = `${site.site.id}|${date}`;
    if (this.stopped || this.plannedDays.has(key)) return;
    this.plannedDays.add(key);
    const now = this.clock.now();
    for (const tap of planDay(site, date, this.options.seed ?? 0, this.options)) {
      if (!tap.at || tap.plannedAt.getTime() <= this.startedAt! || tap.at.getTime() < now) continue;
      this.schedule(tap as Scheduled);
    }
  }

  private schedule(tap: Scheduled): void {
    const cancel = this.clock.setTimer(tap.at.getTime() - this.clock.now(), () => this.send(tap), { unref: true });
    this.timers.set(tap, cancel);
  }

  private send(tap: Scheduled): void {
    this.timers.delete(tap);
    if (this.stopped) return;
    this.announce(tap);
    this.sent.push(tap);
    this.options.tap(tap).catch((err: Error) => this.log('warn', `patrol: a tap at ${tap.checkpointId} was lost: ${err.message}`));
  }

  /** One console line per round, when its guard sets off. */
  private announce(tap: Scheduled): void {
    if (!tap.guardId) return;
    const round = `${tap.siteId}|${tap.routeId}|${tap.roundStart.toISOString()}`;
    if (this.announced.has(round)) return;
    this.announced.add(round);
    const site = this.options.sites.find((s) => s.site.id === tap.siteId);
    const guard = site?.guards.find((g) => g.id === tap.guardId);
    const route = site?.routes.find((r) => r.id === tap.routeId);
    const start = site ? formatTs(tap.roundStart.getTime(), site.site.timezone).slice(11, 16) : tap.roundStart.toISOString();
    this.log('info', `patrol: ${guard?.name ?? '?'} (${tap.guardId}) walks ${route?.name ?? '?'} (${tap.siteId}/${tap.routeId}), the ${start} round`);
  }

  /** At each local midnight, plans the day after next: early taps of a round may fall the day before it. */
  private armMidnight(site: SiteConfig, today: string): void {
    if (this.stopped) return;
    const tomorrow = addDays(today, 1);
    const midnight = localTime(tomorrow, '00:00', site.site.timezone);
    const cancel = this.clock.setTimer(
      midnight - this.clock.now(),
      () => {
        this.dayTimers.splice(this.dayTimers.indexOf(cancel), 1);
        this.planDay(site, addDays(tomorrow, 1));
        this.armMidnight(site, tomorrow);
      },
      { unref: true },
    );
    this.dayTimers.push(cancel);
  }
}
