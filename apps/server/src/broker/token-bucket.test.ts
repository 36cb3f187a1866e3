import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

describe(TokenBucket.name, () => {
  describe('tryTake: 10 a second, burst 3', () => {
    it.each([
      { name: 'a full bucket gives its burst at once', takes: [0, 0, 0], expected: [true, true, true] },
      { name: 'then refuses the next at the same instant', takes: [0, 0, 0, 0], expected: [true, true, true, false] },
      { name: '99 ms later: still less than one token back', takes: [0, 0, 0, 99], expected: [true, true, true, false] },
      { name: '100 ms later: exactly one token back', takes: [0, 0, 0, 100, 100], expected: [true, true, true, true, false] },
      { name: 'an hour idle saves no more than the burst', takes: [3_600_000, 3_600_000, 3_600_000, 3_600_000], expected: [true, true, true, false] },
    ])('$name', ({ takes, expected }) => {
      const bucket = new TokenBucket(10, 3, 0);
      expect(takes.map((t) => bucket.tryTake(t))).toEqual(expected);
    });
  });

  describe('reserve: 10 a second, burst 2, waiting at most 250 ms', () => {
    it.each([
      { name: 'tokens in the bucket: no wait', at: [0, 0], waits: [0, 0] },
      { name: 'the 3rd and 4th queue 100 and 200 ms behind', at: [0, 0, 0, 0], waits: [0, 0, 100, 200] },
      { name: 'a 5th would wait 300 ms, over 250: refused', at: [0, 0, 0, 0, 0], waits: [0, 0, 100, 200, undefined] },
      { name: 'a refusal reserves nothing: 50 ms later the next waits 250 ms', at: [0, 0, 0, 0, 0, 50], waits: [0, 0, 100, 200, undefined, 250] },
      { name: 'time pays the debt back', at: [0, 0, 0, 0, 1000], waits: [0, 0, 100, 200, 0] },
    ])('$name', ({ at, waits }) => {
      const bucket = new TokenBucket(10, 2, 0);
      expect(at.map((t) => bucket.reserve(t, 250)?.waitMs)).toEqual(waits);
    });
  });

  it('a clock going backwards neither adds nor removes tokens', () => {
    const bucket = new TokenBucket(1, 1, 10_000);
    expect(bucket.tryTake(10_000)).toBe(true);
    expect(bucket.tryTake(5_000)).toBe(false);
    expect(bucket.tryTake(10_999)).toBe(false);
    expect(bucket.tryTake(11_000)).toBe(true);
  });
});
