import { describe, expect, it } from 'vitest';
import { consumptionRate, expectedEmptyAt } from './consumption-rate';

const t0 = new Date('2026-11-27T00:00:00.000Z').getTime();
const at = (min: number, level: number) => ({ at: new Date(t0 + min * 60_000), level });

describe(consumptionRate.name, () => {
  it.each([
    { name: 'no samples', samples: [], expected: undefined },
    { name: 'one sample', samples: [at(0, 80)], expected: undefined },
    { name: '29 min of data: too little to promise anything', samples: [at(0, 80), at(29, 70)], expected: undefined },
    { name: '30 min, 5 % used → 10 %/h', samples: [at(0, 80), at(30, 75)], expected: 10 },
    { name: 'a steady hour at 5 %/h', samples: [at(0, 50), at(30, 47.5), at(60, 45)], expected: 5 },
    { name: 'an idle hour counts as time, not as use', samples: [at(0, 50), at(60, 50), at(120, 40)], expected: 5 },
    { name: 'a refill in between: its rise and its time are ignored', samples: [at(0, 30), at(60, 20), at(70, 100), at(130, 90)], expected: 10 },
    { name: 'out of order samples are sorted by time', samples: [at(60, 45), at(0, 50)], expected: 5 },
  ])('$name → $expected', ({ samples, expected }) => {
    const rate = consumptionRate(samples);
    if (expected === undefined) expect(rate).toBeUndefined();
    else expect(rate).toBeCloseTo(expected, 9);
  });
});

describe(expectedEmptyAt.name, () => {
  const levelAt = new Date(t0);
  it.each([
    { level: 20, rate: 10, expected: new Date(t0 + 2 * 3600_000) },
    { level: 0, rate: 10, expected: levelAt }, // already empty
    { level: 20, rate: 0, expected: undefined }, // nothing used: no promise
    { level: 20, rate: undefined, expected: undefined },
  ])('level $level at $rate %/h → $expected', ({ level, rate, expected }) => {
    expect(expectedEmptyAt(level, levelAt, rate)).toEqual(expected);
  });
});
