import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { LoginThrottle } from './login-throttle';

const options = { maxFailures: 3, windowMs: 60_000, maxTracked: 100 };

describe(LoginThrottle.name, () => {
  const failTimes = (throttle: LoginThrottle, n: number, address = '10.0.0.1', user = 'admin') => {
    for (let i = 0; i < n; i++) throttle.recordFailure(address, user);
  };

  it.each([
    { failures: 2, blocked: false },
    { failures: 3, blocked: true },
  ])('$failures failures in the window → blocked: $blocked', ({ failures, blocked }) => {
    const throttle = new LoginThrottle(new ManualClock('2026-11-27T09:00:00Z'), options);
    failTimes(throttle, failures);
    expect(throttle.retryAfterMs('10.0.0.1', 'admin') > 0).toBe(blocked);
  });

  it('lifts the block when the window has passed', () => {
    const clock = new ManualClock('2026-11-27T09:00:00Z');
    const throttle = new LoginThrottle(clock, options);
    failTimes(throttle, 3);
    clock.advance(59_999);
    expect(throttle.retryAfterMs('10.0.0.1', 'admin')).toBe(1);
    clock.advance(1);
    expect(throttle.retryAfterMs('10.0.0.1', 'admin')).toBe(0);
  });

  it('counts per address and username (any letter case), and a success resets the count', () => {
    const throttle = new LoginThrottle(new ManualClock('2026-11-27T09:00:00Z'), options);
    failTimes(throttle, 3, '10.0.0.1', 'Admin');
    expect(throttle.retryAfterMs('10.0.0.1', 'admin')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('10.0.0.2', 'admin')).toBe(0);
    expect(throttle.retryAfterMs('10.0.0.1', 'operator')).toBe(0);
    failTimes(throttle, 2, '10.0.0.3');
    throttle.recordSuccess('10.0.0.3', 'admin');
    failTimes(throttle, 2, '10.0.0.3');
    expect(throttle.retryAfterMs('10.0.0.3', 'admin')).toBe(0);
  });

  it('forgets the oldest entry rather than growing without bound', () => {
    const throttle = new LoginThrottle(new ManualClock('2026-11-27T09:00:00Z'), { ...options, maxTracked: 2 });
    failTimes(throttle, 3, 'a');
    failTimes(throttle, 1, 'b');
    failTimes(throttle, 1, 'c');
    expect(throttle.retryAfterMs('a', 'admin')).toBe(0);
  });

  it('counts an attempt when it begins: the attempts after the limit are refused while the first ones are still being checked', () => {
    const throttle = new LoginThrottle(new ManualClock('2026-11-27T09:00:00Z'), options);
    const answers = Array.from({ length: 5 }, () => throttle.begin('10.0.0.1', 'admin'));
    expect(answers.map((ms) => ms === 0)).toEqual([true, true, true, false, false]);
  });

  it('a begun attempt that succeeds forgets the count', () => {
    const throttle = new LoginThrottle(new ManualClock('2026-11-27T09:00:00Z'), options);
    throttle.begin('10.0.0.1', 'admin');
    throttle.begin('10.0.0.1', 'admin');
    throttle.recordSuccess('10.0.0.1', 'admin');
    expect(throttle.begin('10.0.0.1', 'admin')).toBe(0);
    expect(throttle.begin('10.0.0.1', 'admin')).toBe(0);
  });
});
