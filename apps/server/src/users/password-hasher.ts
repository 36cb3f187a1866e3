// Passwords are stored as argon2id hashes only (OWASP password storage cheat sheet).
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import * as argon2 from 'argon2';

export interface PasswordHashCost {
  memoryCost: number;
  timeCost: number;
}

/** Optional override of the hashing cost; only tests provide it, to keep suites fast. */
export const PASSWORD_HASH_COST = Symbol('PASSWORD_HASH_COST');

/** argon2's defaults: 64 MiB, 3 passes, 4 lanes — above OWASP's minimum for argon2id. */
const DEFAULT_COST: PasswordHashCost = { memoryCost: 65_536, timeCost: 3 };

@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;
  private readonly cost: PasswordHashCost;

  constructor(@Optional() @Inject(PASSWORD_HASH_COST) cost?: PasswordHashCost) {
    this.cost = cost ?? DEFAULT_COST;
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.cost });
  }

  /** Constant-time comparison inside argon2; a malformed stored hash counts as a mismatch. */
  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /**
   * Costs what a real verification costs, for a name that does not exist, so response time
   * does not tell an attacker which usernames are real.
   */
  async verifyNobody(password: string): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
