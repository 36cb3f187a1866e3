// An equipment sensor (boiler, pump, elevator, leak detector): readings and fault events
// (CONTRACT §1 sensor/*).
import type { SensorLimit } from '@estate-watch/contracts';
import { VirtualDevice, type DeviceContext, type DeviceSpec, type Sent } from './device';
import { SensorModel, type Reading } from './sensor-model';

export interface SensorSpec extends DeviceSpec {
  limits: Record<string, SensorLimit>;
}

export class VirtualSensor extends VirtualDevice {
  readonly kind = 'sensor' as const;
  private readonly model: SensorModel;
  private latest: Record<string, Reading>;
  private readonly battery: number | undefined;

  constructor(spec: SensorSpec, ctx: DeviceContext) {
    super(spec, ctx);
    this.model = new SensorModel(spec.limits, extrasFor(spec.id), ctx.random);
    this.latest = this.model.readings();
    // Leak detectors sit on a pit wall far from a socket: they run on batteries.
    this.battery = spec.id.startsWith('leak') ? 70 + Math.round(ctx.random() * 30) : undefined;
  }

  get readings(): Record<string, Reading> {
    return { ...this.latest };
  }

  /** Pins `name` to `value` and reports at once; it stays there until `releaseReading(name)`. */
  setReading(name: string, value: Reading): Promise<Sent> {
    this.model.set(name, value);
    this.latest = this.model.readings();
    return this.publish('telemetry', { readings: this.latest });
  }

  /** Lets `name` run free again and reports. */
  releaseReading(name: string): Promise<Sent> {
    this.model.release(name);
    this.latest = this.model.step();
    return this.publish('telemetry', { readings: this.latest });
  }

  /** The living estate's daily cycle: moves where each metric wanders, then reports (see SensorModel.steer). */
  steer(readings: Record<string, Reading>): Promise<Sent> {
    for (const [name, value] of Object.entries(readings)) this.model.steer(name, value);
    this.latest = this.model.step();
    return this.publish('telemetry', { readings: this.latest });
  }

  fault(code: string, text?: string): Promise<Sent> {
    return this.publish('event', { type: 'fault', code, ...(text ? { text } : {}) });
  }

  faultCleared(code: string): Promise<Sent> {
    return this.publish('event', { type: 'fault_cleared', code });
  }

  protected override beforeHeartbeat(): void {
    this.latest = this.model.step();
  }

  protected override telemetry(): Record<string, unknown> {
    return { readings: this.latest };
  }

  protected override statusExtras(): Record<string, unknown> {
    return this.battery === undefined ? {} : { battery: this.battery };
  }
}

/** Readings a kind of equipment reports besides its limited metrics, guessed from its id. */
function extrasFor(id: string): Record<string, Reading> {
  if (id.startsWith('boiler')) return { burner_on: true, return_temp_c: 52 };
  if (id.startsWith('pump')) return { running: true, frequency_hz: 42 };
  if (id.startsWith('elevator')) return { running: true, door_open: false };
  return {};
}
