// CONTRACT §4 dispenser.low (level ≤ lowPct) and dispenser.empty (level ≤ emptyPct).
import { describe, expect, it } from 'vitest';
import { dispenserAlerts } from './dispenser-level';

describe(dispenserAlerts.name, () => {
  it.each([
    { level: 100, expected: { low: false, empty: false } },
    { level: 20.01, expected: { low: false, empty: false } }, // just above lowPct
    { level: 20, expected: { low: true, empty: false } }, // exactly lowPct is low (≤)
    { level: 5.01, expected: { low: true, empty: false } },
    { level: 5, expected: { low: true, empty: true } }, // exactly emptyPct is empty (≤), and still low
    { level: 0, expected: { low: true, empty: true } },
  ])('level $level with low 20 / empty 5 → $expected', ({ level, expected }) => {
    expect(dispenserAlerts(level, { lowPct: 20, emptyPct: 5 })).toEqual(expected);
  });
});
