// Lives the estate on the clock: each event of planEstateDay is acted out when the clock reaches
// it, day after day, carrying the lots and dispenser levels over midnight. One timer for the next
// event (a day is thousands of them), unref'd so it never keeps a process alive by itself.
import type { SiteConfig } from '@estate-watch/contracts';
import { scaleClock, systemClock, type Cancel, type Clock } from '../common/clock';
import { initialConsumables } from '../plans/consumables-plan';
import type { EstateEvent } from '../plans/estate-day';
import { planOpening, type Opening } from '../plans/demo-opening';
import { planEstateDay, type EstatePlanOptions, type EstateState } from '../plans/estate-plan';
import { addDays, localDate, localTime } from '../common/local-time';
import { silentLog, type SimLog } from '../common/log';
import { initialTraffic } from '../plans/traffic-plan';

export interface EstateOptions extends EstatePlanOptions {
  /** Seed for everything the estate does; default the simulator's seed. Same seed, same days. */
  seed?: number;
  /** Lives the estate's schedule this many times faster than `clock` (a day in 1/speed of one). Payload `ts` stay the devices' own time. */
  speed?: number;
  /**
   * Cars in each lot at the start, by `site/lot` (or lot id). Default 0: what a server with a fresh
   * database counts. A server restarting on a kept database passes its counts, or its lots drift from the estate's.
   */
  occupancy?: Record<string, number>;
  /**
   * The demo's opening (issue 12 point 9): within two minutes a low dispenser, a gate fault and a
   * reading over its limit (see demo-opening.ts), then the plans' ordinary pace. Default off.
   */
  opening?: boolean;
}

export interface EstateRunnerOptions extends EstateOptions {
  sites: SiteConfig[];
  /** Acts one event out, e.g. through the simulator's devices. */
  act: (event: EstateEvent) => Promise<unknown>;
  clock?: Clock;
  log?: SimLog;
  /** Dispenser levels at the start, by site then dispenser id (the devices' own); default seeded 40–95 %. */
  levels?: (siteId: string) => Record<string, number>;
}

export class EstateRunner {
  /** The estate's time: `clock`, or `clock` scaled by `speed`. */
  readonly clock: Clock;
  private readonly log: SimLog;
  private queue: EstateEvent[] = [];
  private cancelNext: Cancel | undefined;
  private readonly dayTimers = new Set<Cancel>();
  private readonly states = new Map<string, EstateState>();
  private readonly counts = new Map<string, number>();
  private started = false;
  private stopped = false;
  /** Events acted out so far, by kind and action (`gate.pass`, `sensor.fault`, …). */
  readonly acted: Record<string, number> = {};

  constructor(private readonly options: EstateRunnerOptions) {
    const base = options.clock ?? systemClock;
    this.clock = options.speed && options.speed !== 1 ? scaleClock(base, options.speed) : base;
    this.log = options.log ?? silentLog;
  }

  private get seed(): number {
    return this.options.seed ?? 0;
  }

  start(): this {
    if (this.started) return this;
    this.started = true;
    const now = this.clock.now();
    for (const site of this.options.sites) {
      const today = localDate(now, site.site.timezone);
      const opening = this.options.opening ? planOpening(site, now) : undefined;
      const state: EstateState = {
        traffic: initialTraffic(site, this.seed, now, this.options.occupancy, this.options.traffic?.lots),
        consumables: initialConsumables(site, this.seed, { ...this.options.levels?.(site.site.id), ...opening?.levels }),
      };
      this.planDay(site, today, state, now, opening);
      this.armMidnight(site, today);
    }
    const speed = this.options.speed && this.options.speed !== 1 ? ` at ${this.options.speed}× speed` : '';
    this.log('info', `estate: gates, dispensers and equipment live on ${this.options.sites.length} site(s)${speed}; ${this.queue.length} events planned today`);
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.cancelNext?.();
    for (const cancel of this.dayTimers) cancel();
    this.dayTimers.clear();
    this.queue = [];
  }

  /** Events planned and not yet acted out, in time order. */
  upcoming(): readonly EstateEvent[] {
    return this.queue;
  }

  /** A lot's count as the estate last drove a car through it. */
  occupancy(siteId: string, lotId: string): number | undefined {
    return this.counts.get(`${siteId}/${lotId}`);
  }

  private planDay(site: SiteConfig, date: string, state: EstateState, from?: number, opening?: Opening): void {
    const options = opening ? { ...this.options, traffic: { ...this.options.traffic, faults: opening.gateFaults } } : this.options;
    const day = planEstateDay(site, date, this.seed, state, options, from);
    this.states.set(site.site.id, day.state);
    this.queue = [...this.queue, ...day.events, ...(opening?.events ?? [])].sort((a, b) => a.at - b.at);
    this.armNext();
  }

  private armNext(): void {
    this.cancelNext?.();
    this.cancelNext = undefined;
    const next = this.queue[0];
    if (this.stopped || !next) return;
    this.cancelNext = this.clock.setTimer(next.at - this.clock.now(), () => this.fire(), { unref: true });
  }

  private fire(): void {
    this.cancelNext = undefined;
    const now = this.clock.now();
    let due = 0;
    while (due < this.queue.length && this.queue[due]!.at <= now) due++;
    const events = this.queue.splice(0, due);
    for (const event of events) this.act(event);
    this.armNext();
  }

  private act(event: EstateEvent): void {
    const key = `${event.kind}.${event.action}`;
    this.acted[key] = (this.acted[key] ?? 0) + 1;
    if (event.kind === 'gate' && event.action === 'pass') this.counts.set(`${event.siteId}/${event.lot}`, event.occupancy);
    const incident = describeIncident(event);
    if (incident) this.log('info', `estate: ${event.siteId}/${event.device} ${incident}`);
    this.options.act(event).catch((err: Error) => this.log('warn', `estate: ${key} at ${event.device} was lost: ${err.message}`));
  }

  /** At each local midnight, plans the new day from the state the last one left. */
  private armMidnight(site: SiteConfig, today: string): void {
    if (this.stopped) return;
    const tomorrow = addDays(today, 1);
    const cancel = this.clock.setTimer(
      localTime(tomorrow, '00:00', site.site.timezone) - this.clock.now(),
      () => {
        this.dayTimers.delete(cancel);
        if (this.stopped) return;
        this.planDay(site, tomorrow, this.states.get(site.site.id)!);
        this.armMidnight(site, tomorrow);
      },
      { unref: true },
    );
    this.dayTimers.add(cancel);
  }
}

/** One console line for what an operator should see happen in the control room; none for routine traffic. */
function describeIncident(e: EstateEvent): string | undefined {
  if (e.kind === 'gate' && e.action === 'barrier' && e.barrier === 'fault') return `barrier fault ${e.fault ?? ''}`.trim();
  if (e.kind !== 'sensor') return undefined;
  if (e.action === 'fault') return `fault ${e.code} ${e.text}`;
  if (e.action === 'offline') return 'loses power (last will)';
  if (e.action === 'online') return 'powers on again';
  if (e.action === 'pin' && e.name === 'leak' && e.value === true) return 'detects a leak';
  return undefined;
}
