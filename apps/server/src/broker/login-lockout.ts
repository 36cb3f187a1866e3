// Refuses a user name, or an address, for a while after repeated failed logins, so a secret
// cannot be guessed at line speed. Pure bookkeeping on the caller's clock; the broker asks it
// before checking a secret and tells it how the check went.

export interface LockoutPolicy {
  /** Failures, each within `lockoutMs` of the previous, that lock the key out; 0: never. */
  failures: number;
  lockoutMs: number;
}

interface Entry {
  failures: number;
  lastFailureMs: number;
  lockedUntilMs: number;
}

/**
 * Failure counts per key. Keys come from unauthenticated clients (any user name, any address),
 * so the table is bounded: past `maxKeys`, entries neither locked out nor recent go first,
 * then the oldest.
 */
export class FailureCounter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: LockoutPolicy,
    private readonly maxKeys = 10_000,
  ) {}

  /** Until when `key` is locked out (epoch ms), or undefined. */
  lockedUntil(key: string, nowMs: number): number | undefined {
    const entry = this.entries.get(key);
    return entry && entry.lockedUntilMs > nowMs ? entry.lockedUntilMs : undefined;
  }

  /** Records a failure; true when it has just locked the key out. */
  fail(key: string, nowMs: number): boolean {
    if (this.policy.failures <= 0) return false;
    let entry = this.entries.get(key);
    if (!entry || nowMs - entry.lastFailureMs > this.policy.lockoutMs) entry = { failures: 0, lastFailureMs: nowMs, lockedUntilMs: 0 };
    entry.failures++;
    entry.lastFailureMs = nowMs;
    const locked = entry.failures >= this.policy.failures;
    if (locked) {
      entry.lockedUntilMs = nowMs + this.policy.lockoutMs;
      entry.failures = 0;
    }
    this.entries.delete(key); // re-inserted last: Map order is then least recently failed first
    this.entries.set(key, entry);
    if (this.entries.size > this.maxKeys) this.evict(nowMs);
    return locked;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(nowMs: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.lockedUntilMs <= nowMs && nowMs - entry.lastFailureMs > this.policy.lockoutMs) this.entries.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxKeys) break;
      this.entries.delete(key);
    }
  }
}

export interface LoginLockoutPolicy {
  perUsername: number;
  perAddress: number;
  lockoutMs: number;
}

/**
 * Per user name and per address, as the broker needs it.
 *
 * A device's user name is no secret (it is in its topics), so a plain per-name lockout would
 * let anyone lock any device out by failing five times. Failures from the address where a
 * user name last logged in are therefore counted apart from failures elsewhere: a guesser
 * locks the name out everywhere but there; a device with a stale secret locks itself out
 * there too.
 */
export class LoginLockout {
  private readonly usernames: FailureCounter;
  private readonly addresses: FailureCounter;
  /** Where each user name last logged in; only right secrets add entries, so it is bounded by the accounts. */
  private readonly lastGood = new Map<string, string>();

  constructor(policy: LoginLockoutPolicy, maxKeys?: number) {
    this.usernames = new FailureCounter({ failures: policy.perUsername, lockoutMs: policy.lockoutMs }, maxKeys);
    this.addresses = new FailureCounter({ failures: policy.perAddress, lockoutMs: policy.lockoutMs }, maxKeys);
  }

  /** Why a login must be refused without checking its secret, or undefined to check it. */
  refusal(username: string, address: string, nowMs: number): string | undefined {
    const byAddress = this.addresses.lockedUntil(address, nowMs);
    if (byAddress) return `address ${address} locked out after repeated failed logins, until ${new Date(byAddress).toISOString()}`;
    const byName = this.usernames.lockedUntil(this.nameKey(username, address), nowMs);
    if (byName) return `user name locked out after repeated failed logins, until ${new Date(byName).toISOString()}`;
    return undefined;
  }

  /** A secret was checked and was wrong. Returns what has just been locked out, if anything. */
  failed(username: string, address: string, nowMs: number): ('username' | 'address')[] {
    const locked: ('username' | 'address')[] = [];
    if (this.usernames.fail(this.nameKey(username, address), nowMs)) locked.push('username');
    if (this.addresses.fail(address, nowMs)) locked.push('address');
    return locked;
  }

  /** A secret was right: the user name starts afresh there (the address does not: one good device behind a NAT must not clear a guesser's count). */
  succeeded(username: string, address: string): void {
    this.usernames.forget(this.nameKey(username, address));
    this.lastGood.set(username, address);
  }

  private nameKey(username: string, address: string): string {
    return this.lastGood.get(username) === address ? `${username}\u0000${address}` : username;
  }
}
