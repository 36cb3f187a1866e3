// What a device keeps while its network is down, sent in order once it is back
// (CONTRACT §1: devices buffer while offline; ts up to 24 h old is still valid).
import type { UpstreamStream } from '@estate-watch/contracts';

interface Held {
  stream: UpstreamStream;
  bytes: string | Buffer;
  retain: boolean;
  resolve: () => void;
  reject: (err: Error) => void;
}

export type Send = (stream: UpstreamStream, bytes: string | Buffer, retain: boolean) => Promise<void>;

/** Firmware keeps a ring buffer: when full, the oldest message is lost, as on a real reader. */
export const OUTBOX_CAPACITY = 1000;

export class Outbox {
  private held: Held[] = [];

  get size(): number {
    return this.held.length;
  }

  /** Keeps a message; the promise settles when it is finally sent, or lost. */
  hold(stream: UpstreamStream, bytes: string | Buffer, retain: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.held.push({ stream, bytes, retain, resolve, reject });
      if (this.held.length > OUTBOX_CAPACITY) this.held.shift()!.reject(new Error('dropped: offline buffer full'));
    });
  }

  /** Sends everything held, oldest first, one acknowledgement at a time so order is kept. */
  async flush(send: Send): Promise<void> {
    while (this.held.length > 0) {
      const next = this.held[0]!;
      // If this throws, the message stays held and the next connection tries again.
      await send(next.stream, next.bytes, next.retain);
      this.held.shift();
      next.resolve();
    }
  }

  rejectAll(reason: string): void {
    const held = this.held;
    this.held = [];
    for (const h of held) h.reject(new Error(reason));
  }
}
