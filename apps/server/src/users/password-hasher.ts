// Passwords are stored as argon2id hashes only (OWASP password storage cheat sheet).
import { randomBytes } from 'node:crypto';
import * as argon2 from 'argon2';

export class PasswordHasher {
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
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
