// CONTRACT §4 parking.full (clears below 95 %) and the occupancy count from gate passes.
import { describe, expect, it } from 'vitest';
import { applyPass, lotIsFull } from './occupancy';

describe(applyPass.name, () => {
  it.each([
    { occupancy: 0, direction: 'in' as const, expected: { occupancy: 1, clamped: false } },
    { occupancy: 5, direction: 'out' as const, expected: { occupancy: 4, clamped: false } },
    { occupancy: 1, direction: 'out' as const, expected: { occupancy: 0, clamped: false } }, // down to 0 is fine
    { occupancy: 0, direction: 'out' as const, expected: { occupancy: 0, clamped: true } }, // never below 0: clamped, recorded
    { occupancy: 10, direction: 'in' as const, expected: { occupancy: 11, clamped: false } }, // over capacity is counted, not refused
  ])('$occupancy + $direction → $expected.occupancy (clamped $expected.clamped)', ({ occupancy, direction, expected }) => {
    expect(applyPass(occupancy, direction)).toEqual(expected);
  });
});

describe(lotIsFull.name, () => {
  // capacity 100: full at ≥ 100, clears below 95.
  it.each([
    { occupancy: 99, wasFull: false, expected: false }, // one below capacity: not yet full
    { occupancy: 100, wasFull: false, expected: true }, // at capacity: full (≥)
    { occupancy: 101, wasFull: false, expected: true },
    { occupancy: 99, wasFull: true, expected: true }, // 99 % is not below 95 %: still full
    { occupancy: 95, wasFull: true, expected: true }, // exactly 95 % does not clear (below, strictly)
    { occupancy: 94, wasFull: true, expected: false }, // below 95 %: clears
    { occupancy: 96, wasFull: false, expected: false }, // in the band, never full: stays not full
  ])('capacity 100, occupancy $occupancy, was full $wasFull → $expected', ({ occupancy, wasFull, expected }) => {
    expect(lotIsFull(occupancy, 100, wasFull)).toBe(expected);
  });

  it.each([
    { occupancy: 10, wasFull: false, expected: true },
    { occupancy: 9, wasFull: true, expected: false }, // 9 < 9.5: a lot of 10 clears when one car leaves
  ])('capacity 10, occupancy $occupancy, was full $wasFull → $expected', ({ occupancy, wasFull, expected }) => {
    expect(lotIsFull(occupancy, 10, wasFull)).toBe(expected);
  });
});
