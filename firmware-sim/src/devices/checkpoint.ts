// A patrol checkpoint: a fixed NFC reader a guard taps a card on (CONTRACT §1 checkpoint/event).
import { VirtualDevice, type DeviceContext, type DeviceSpec, type Sent } from './device';

export class VirtualCheckpoint extends VirtualDevice {
  readonly kind = 'checkpoint' as const;
  private battery: number;

  constructor(spec: DeviceSpec, ctx: DeviceContext) {
    super(spec, ctx);
    this.battery = 55 + Math.round(ctx.random() * 45);
  }

  /**
   * A guard taps `card` (NFC UID). `at` is when the reader saw it: pass an earlier time to play
   * a tap the reader buffered while offline (CONTRACT §3, late delivery).
   */
  tap(card: string, at?: Date | number): Promise<Sent> {
    return this.publish('event', { type: 'tap', card }, { at });
  }

  protected override statusExtras(): Record<string, unknown> {
    return { battery: this.battery };
  }
}
