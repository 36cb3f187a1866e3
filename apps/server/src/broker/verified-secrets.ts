// Device secrets given as an argon2 hash (site file `secretHash`, issue 13 point 5): argon2 costs
// tens of milliseconds of CPU by design, and 10,000 devices reconnecting after a network blip
// (MQTT_CONNECTIONS_PER_SEC of them a second) would each pay it on every CONNECT. So a hash is
// verified once: on success the broker keeps an HMAC of the password under a key made at start
// and never stored, and the device's next CONNECTs compare against that in constant time.
// Kept per device and per hash: a new hash (re-keyed by a reload) misses it and is verified
// afresh; `forget` drops a removed or re-keyed device's entry. Plaintext secrets never come here.
//
// argon2 runs on libuv's thread pool (4 threads), which file and DNS work share: at most
// `concurrency` verifications run at once, the rest of a storm's first CONNECTs wait their turn.
// The cache lives in memory, so after a restart every hashed device pays one verification.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as argon2 from 'argon2';

export type HashVerifier = (hash: string, password: Buffer) => Promise<boolean>;

const argon2Verify: HashVerifier = (hash, password) => argon2.verify(hash, password);

export class VerifiedSecrets {
  private readonly key = randomBytes(32);
  /** device key → the hash it was verified against and the HMAC of the password that matched. */
  private readonly verified = new Map<string, { hash: string; mac: Buffer }>();
  /** The same device retrying during a storm waits for one verification instead of starting another. */
  private readonly pending = new Map<string, Promise<boolean>>();
  /** How many argon2 verifications ran (a figure for tests and the benchmark). */
  verifications = 0;
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly verify: HashVerifier = argon2Verify,
    private readonly concurrency = 2,
  ) {}

  async matches(device: string, hash: string, password: Uint8Array): Promise<boolean> {
    const mac = createHmac('sha256', this.key).update(password).digest();
    const known = this.verified.get(device);
    // One password matches a hash: once it is known, any other is wrong without asking argon2.
    if (known?.hash === hash) return timingSafeEqual(known.mac, mac);
    const flight = `${device}\u0000${hash}\u0000${mac.toString('hex')}`;
    let check = this.pending.get(flight);
    if (!check) {
      this.verifications += 1;
      // A malformed hash counts as a mismatch (the schema checked its shape; argon2 may still refuse its parameters).
      check = this.limited(() => this.verify(hash, Buffer.from(password)))
        .catch(() => false)
        .finally(() => this.pending.delete(flight));
      this.pending.set(flight, check);
    }
    const ok = await check;
    if (ok) this.verified.set(device, { hash, mac });
    return ok;
  }

  forget(device: string): void {
    this.verified.delete(device);
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((go) => this.queue.push(go));
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.queue.shift()?.();
    }
  }
}
