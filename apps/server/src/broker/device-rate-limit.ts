// Messages per second per device. Over the rate, a QoS 1 message waits for its turn (its
// PUBACK comes later, and the device, waiting on it, slows down: nothing is lost when a device
// replays a long offline buffer); only what would wait longer than `maxHoldMs`, and QoS 0
// over the rate, is dropped and counted as a rejection. No connection is cut either way: a
// cut device reconnects and resends, which is a storm, not a limit.
import { TokenBucket } from './token-bucket';

export type RateVerdict = { go: true; waitMs: number } | { go: false; reason: string };

/** Longest a QoS 1 message is held for its turn: well inside a device's keepalive (60 s typical). */
export const MAX_HOLD_MS = 10_000;

export class DeviceRateLimit {
  /** One per device (keyed `{site}:{device}`): only authenticated devices get here, so the table is bounded by the site files. */
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    private readonly maxHoldMs = MAX_HOLD_MS,
  ) {}

  /** False with the limit off (0): nothing to check, no key or clock read per message. */
  get enabled(): boolean {
    return this.perSec > 0;
  }

  check(device: string, qos: number, nowMs: number): RateVerdict {
    if (this.perSec <= 0) return { go: true, waitMs: 0 };
    let bucket = this.buckets.get(device);
    if (!bucket) this.buckets.set(device, (bucket = new TokenBucket(this.perSec, this.burst, nowMs)));
    const over = `over ${this.perSec} messages a second (burst ${this.burst})`;
    if (qos === 0) return bucket.tryTake(nowMs) ? { go: true, waitMs: 0 } : { go: false, reason: `${over}: QoS 0 message dropped` };
    const turn = bucket.reserve(nowMs, this.maxHoldMs);
    return turn ? { go: true, waitMs: turn.waitMs } : { go: false, reason: `${over}: more than ${this.maxHoldMs / 1000} s of messages already waiting, dropped` };
  }
}
