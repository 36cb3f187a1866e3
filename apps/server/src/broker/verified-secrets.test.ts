// Issue 13 point 5: a secretHash is verified once per device and hash, not on every CONNECT.
import * as argon2 from 'argon2';
import { beforeAll, describe, expect, it } from 'vitest';
import { VerifiedSecrets } from './verified-secrets';

const SECRET = 'boiler-secret-7f3a';
// Low cost: the cache's behaviour, not argon2's, is under test.
const hashOf = (secret: string) => argon2.hash(secret, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });

describe(VerifiedSecrets.name, () => {
  let hash: string;
  let other: string;
  beforeAll(async () => {
    hash = await hashOf(SECRET);
    other = await hashOf('rotated-secret-91c2');
  });

  it('verifies the right secret once, then answers from the cache', async () => {
    const secrets = new VerifiedSecrets();
    for (let i = 0; i < 5; i++) expect(await secrets.matches('s:boiler', hash, Buffer.from(SECRET))).toBe(true);
    expect(secrets.verifications).toBe(1);
  });

  it('refuses a wrong secret, before and after the right one was seen', async () => {
    const secrets = new VerifiedSecrets();
    expect(await secrets.matches('s:boiler', hash, Buffer.from('wrong-secret-000'))).toBe(false);
    expect(await secrets.matches('s:boiler', hash, Buffer.from(SECRET))).toBe(true);
    expect(await secrets.matches('s:boiler', hash, Buffer.from('wrong-secret-000'))).toBe(false);
    expect(await secrets.matches('s:boiler', hash, Buffer.from(`${SECRET}x`))).toBe(false);
  });

  it('a new hash (re-keyed) is verified afresh: the old secret no longer passes, the new one does', async () => {
    const secrets = new VerifiedSecrets();
    expect(await secrets.matches('s:boiler', hash, Buffer.from(SECRET))).toBe(true);
    expect(await secrets.matches('s:boiler', other, Buffer.from(SECRET))).toBe(false);
    expect(await secrets.matches('s:boiler', other, Buffer.from('rotated-secret-91c2'))).toBe(true);
  });

  it('a storm of the same device connecting at once runs one verification', async () => {
    const secrets = new VerifiedSecrets();
    const all = await Promise.all(Array.from({ length: 20 }, () => secrets.matches('s:boiler', hash, Buffer.from(SECRET))));
    expect(all.every(Boolean)).toBe(true);
    expect(secrets.verifications).toBe(1);
  });

  it('the same secret under another device name is verified for that device', async () => {
    const secrets = new VerifiedSecrets();
    await secrets.matches('s:boiler', hash, Buffer.from(SECRET));
    expect(await secrets.matches('s:pump', other, Buffer.from(SECRET))).toBe(false);
  });

  it('runs at most `concurrency` verifications at once; the rest wait their turn', async () => {
    let running = 0;
    let most = 0;
    const slow = async (h: string, p: Buffer) => {
      running += 1;
      most = Math.max(most, running);
      try {
        return await argon2.verify(h, p);
      } finally {
        running -= 1;
      }
    };
    const secrets = new VerifiedSecrets(slow, 2);
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => secrets.matches(`s:d${i}`, hash, Buffer.from(i % 2 ? SECRET : 'wrong-secret-000'))));
    expect(all).toEqual([false, true, false, true, false, true, false, true]);
    expect(secrets.verifications).toBe(8);
    expect(most).toBe(2);
  });

  it('a hash argon2 cannot read is a mismatch, not a crash', async () => {
    const secrets = new VerifiedSecrets();
    expect(await secrets.matches('s:boiler', '$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA', Buffer.from(SECRET))).toBe(false);
  });
});
