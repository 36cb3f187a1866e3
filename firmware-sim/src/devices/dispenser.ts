// A consumables dispenser (soap, paper, sanitizer, shoe covers) reporting its fill level.
import { VirtualDevice, type DeviceContext, type DeviceSpec, type Sent } from './device';

/** Busy washrooms empty a dispenser in two to four days. */
const MIN_USE_PCT_PER_HOUR = 0.8;
const MAX_USE_PCT_PER_HOUR = 1.6;

export class VirtualDispenser extends VirtualDevice {
  readonly kind = 'dispenser' as const;
  private levelPct: number;
  private batteryPct: number;
  private readonly usePerHour: number;
  private lastDrift: number;
  /** The level drifts down by itself between heartbeats; the living estate turns this off and drives it. */
  drains = true;

  constructor(spec: DeviceSpec, ctx: DeviceContext) {
    super(spec, ctx);
    this.levelPct = 40 + ctx.random() * 55;
    this.batteryPct = 60 + Math.round(ctx.random() * 40);
    this.usePerHour = MIN_USE_PCT_PER_HOUR + ctx.random() * (MAX_USE_PCT_PER_HOUR - MIN_USE_PCT_PER_HOUR);
    this.lastDrift = ctx.clock.now();
  }

  get level(): number {
    return round1(this.levelPct);
  }

  /** Sets the level (0–100) and reports it, as the sensor would after a change. */
  setLevel(level: number): Promise<Sent> {
    if (!(level >= 0 && level <= 100)) throw new RangeError(`level must be 0–100, got ${level}`);
    this.levelPct = level;
    this.lastDrift = this.now();
    return this.publish('telemetry', this.telemetry());
  }

  /** Staff refilled it: the refill event, then the full level. Resolves with the event. */
  async refill(): Promise<Sent> {
    this.levelPct = 100;
    this.lastDrift = this.now();
    const event = await this.publish('event', { type: 'refill' });
    await this.publish('telemetry', this.telemetry());
    return event;
  }

  protected override telemetry(): Record<string, unknown> {
    return { level: this.level, battery: this.batteryPct };
  }

  protected override statusExtras(): Record<string, unknown> {
    return { battery: this.batteryPct };
  }

  protected override beforeHeartbeat(): void {
    if (!this.drains) return;
    const now = this.now();
    const hours = Math.max(0, now - this.lastDrift) / 3_600_000;
    this.lastDrift = now;
    const jitter = 0.5 + this.ctx.random();
    this.levelPct = Math.max(0, this.levelPct - this.usePerHour * hours * jitter);
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
