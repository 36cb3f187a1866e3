import { describe, expect, it } from 'vitest';
import { median, percent, percentile, roundTo } from './statistics';

describe(median.name, () => {
  it.each([
    { values: [], expected: null, why: 'no values: no median, not 0' },
    { values: [7], expected: 7, why: 'one value is its own median' },
    { values: [3, 1, 2], expected: 2, why: 'odd count: the middle one, whatever the input order' },
    { values: [4, 1, 3, 2], expected: 2.5, why: 'even count: mean of the two middle values' },
    { values: [5, 5, 5, 9], expected: 5, why: 'ties in the middle' },
    { values: [1, 2, 2, 2, 100], expected: 2, why: 'an outlier does not move it' },
    { values: [-3, 3], expected: 0, why: 'negative values sort numerically' },
    { values: [10, 9, 100], expected: 10, why: 'numeric, not lexicographic, order' },
  ])('$why: $values → $expected', ({ values, expected }) => {
    expect(median(values)).toBe(expected);
  });
});

describe(percentile.name, () => {
  // Same answers as PostgreSQL: SELECT percentile_cont(p) WITHIN GROUP (ORDER BY v) …
  it.each([
    { values: [], p: 0.9, expected: null },
    { values: [42], p: 0.9, expected: 42 },
    { values: [42], p: 0, expected: 42 },
    { values: [1, 2], p: 0.9, expected: 1.9 },
    { values: [4, 6, 8, 12], p: 0.9, expected: 10.8 }, // position 2.7: 8 + 0.7·4
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 0.9, expected: 9.1 }, // position 8.1
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], p: 0.9, expected: 10 }, // position 9 exactly: no interpolation
    { values: [2, 2, 2, 2], p: 0.9, expected: 2 }, // all ties
    { values: [1, 5, 5, 5, 9], p: 0.9, expected: 7.4 }, // position 3.6: 5 + 0.6·4
    { values: [3, 1, 2], p: 0, expected: 1 }, // p = 0 is the minimum
    { values: [3, 1, 2], p: 1, expected: 3 }, // p = 1 is the maximum
  ])('p$p of $values → $expected', ({ values, p, expected }) => {
    const got = percentile(values, p);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(expected, 10);
  });

  it.each([-0.1, 1.1, Number.NaN])('refuses p = %s', (p) => {
    expect(() => percentile([1], p)).toThrow(/0\.\.1/);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    percentile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe(percent.name, () => {
  it.each([
    { part: 0, whole: 0, expected: null, why: 'nothing judged: null, neither 0 % nor 100 %' },
    { part: 0, whole: 4, expected: 0 },
    { part: 4, whole: 4, expected: 100 },
    { part: 5, whole: 9, expected: 55.6 },
    { part: 2, whole: 3, expected: 66.7 },
    { part: 1, whole: 8, expected: 12.5 },
  ])('$part of $whole → $expected', ({ part, whole, expected }) => {
    expect(percent(part, whole)).toBe(expected);
  });
});

describe(roundTo.name, () => {
  it.each([
    { value: null, decimals: 1, expected: null },
    { value: 10.75, decimals: 1, expected: 10.8 },
    { value: 1.005, decimals: 2, expected: 1.01 },
    { value: -2.25, decimals: 1, expected: -2.3 },
    { value: 15.2, decimals: 1, expected: 15.2 },
  ])('$value to $decimals places → $expected', ({ value, decimals, expected }) => {
    expect(roundTo(value, decimals)).toBe(expected);
  });
});
