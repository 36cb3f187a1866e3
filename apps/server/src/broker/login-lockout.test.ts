import { describe, expect, it } from 'vitest';
import { FailureCounter, LoginLockout } from './login-lockout';

const MIN = 60_000;

describe(FailureCounter.name, () => {
  // 3 failures, each within 5 min of the last, lock the key out for 5 min.
  const policy = { failures: 3, lockoutMs: 5 * MIN };

  it.each([
    { name: '2 failures: not locked', failures: [0, 1000], check: 1001, locked: false },
    { name: '3 failures: locked', failures: [0, 1000, 2000], check: 2001, locked: true },
    { name: 'locked until exactly 5 min after the 3rd (edge exclusive)', failures: [0, 1000, 2000], check: 2000 + 5 * MIN, locked: false },
    { name: 'still locked 1 ms before that', failures: [0, 1000, 2000], check: 1999 + 5 * MIN, locked: true },
    { name: 'failures further apart than 5 min never add up', failures: [0, 5 * MIN + 1, 10 * MIN + 2], check: 10 * MIN + 3, locked: false },
    { name: 'a gap of exactly 5 min still counts', failures: [0, 5 * MIN, 10 * MIN], check: 10 * MIN + 1, locked: true },
  ])('$name', ({ failures, check, locked }) => {
    const counter = new FailureCounter(policy);
    for (const at of failures) counter.fail('k', at);
    expect(counter.lockedUntil('k', check) !== undefined).toBe(locked);
  });

  it('starts counting afresh after a lockout ends', () => {
    const counter = new FailureCounter(policy);
    [0, 1, 2].forEach((t) => counter.fail('k', t));
    const after = 2 + 5 * MIN;
    expect(counter.fail('k', after)).toBe(false);
    expect(counter.lockedUntil('k', after)).toBeUndefined();
  });

  it('with failures 0 never locks', () => {
    const counter = new FailureCounter({ failures: 0, lockoutMs: MIN });
    for (let i = 0; i < 100; i++) expect(counter.fail('k', i)).toBe(false);
    expect(counter.size).toBe(0);
  });

  it('stays bounded under a flood of random keys, keeping the locked ones over stale ones', () => {
    const counter = new FailureCounter(policy, 100);
    [0, 1, 2].forEach((t) => counter.fail('attacker', t));
    for (let i = 0; i < 10_000; i++) counter.fail(`random-${i}`, 6 * MIN + i);
    expect(counter.size).toBeLessThanOrEqual(100);
  });
});

describe(LoginLockout.name, () => {
  const lockout = () => new LoginLockout({ perUsername: 3, perAddress: 5, lockoutMs: 5 * MIN });

  it('locks a user name out after its failures, from any address, but not other names from that address', () => {
    const l = lockout();
    for (let i = 0; i < 3; i++) l.failed('lakeside:cp-1', '10.0.0.1', i);
    expect(l.refusal('lakeside:cp-1', '10.0.0.2', 10)).toMatch(/user name locked out .* until 1970-01-01T00:05:00.002Z/);
    expect(l.refusal('lakeside:cp-2', '10.0.0.1', 10)).toBeUndefined();
  });

  it('locks an address out after failures across user names, for every name', () => {
    const l = lockout();
    for (let i = 0; i < 5; i++) expect(l.failed(`guess-${i}`, '10.0.0.9', i)).toEqual(i === 4 ? ['address'] : []);
    expect(l.refusal('lakeside:cp-1', '10.0.0.9', 10)).toMatch(/address 10\.0\.0\.9 locked out/);
    expect(l.refusal('lakeside:cp-1', '10.0.0.8', 10)).toBeUndefined();
  });

  it('failures from elsewhere do not lock a device out of the address it last logged in from', () => {
    const l = lockout();
    l.succeeded('lakeside:cp-1', '10.0.0.1');
    for (let i = 0; i < 3; i++) l.failed('lakeside:cp-1', '203.0.113.7', i);
    expect(l.refusal('lakeside:cp-1', '203.0.113.7', 10)).toMatch(/user name locked out/);
    expect(l.refusal('lakeside:cp-1', '10.0.0.8', 10)).toMatch(/user name locked out/);
    expect(l.refusal('lakeside:cp-1', '10.0.0.1', 10)).toBeUndefined();
  });

  it('a device failing at its own address locks itself out there', () => {
    const l = lockout();
    l.succeeded('lakeside:cp-1', '10.0.0.1');
    for (let i = 0; i < 3; i++) l.failed('lakeside:cp-1', '10.0.0.1', i);
    expect(l.refusal('lakeside:cp-1', '10.0.0.1', 10)).toMatch(/user name locked out/);
  });

  it('a right secret clears the user name’s count, not the address’s', () => {
    const l = lockout();
    l.failed('lakeside:cp-1', '10.0.0.1', 0);
    l.failed('lakeside:cp-1', '10.0.0.1', 1);
    l.succeeded('lakeside:cp-1', '10.0.0.1');
    l.failed('lakeside:cp-1', '10.0.0.1', 2);
    l.failed('lakeside:cp-1', '10.0.0.1', 3);
    expect(l.refusal('lakeside:cp-1', '10.0.0.1', 4)).toBeUndefined();
    expect(l.failed('other', '10.0.0.1', 5)).toEqual(['address']); // the 5th failure from that address
  });
});
