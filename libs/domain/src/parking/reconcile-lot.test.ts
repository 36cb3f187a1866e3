// The daily reconciliation of a lot's count (see apps/server/src/parking/README.md).
import { describe, expect, it } from 'vitest';
import { reconcileLot, reconciliationDue } from './reconcile-lot';

const now = new Date('2026-11-27T19:00:00.000Z'); // 03:00 in Asia/Shanghai
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

describe(reconcileLot.name, () => {
  it.each([
    { name: 'a believable count', facts: { occupancy: 50, negativeClamps: 0, overCapacitySince: null }, expected: [] },
    { name: 'one out pass clamped at 0', facts: { occupancy: 3, negativeClamps: 1, overCapacitySince: null }, expected: ['negative_clamps'] },
    { name: 'over capacity 1 h 59 min', facts: { occupancy: 101, negativeClamps: 0, overCapacitySince: new Date(hoursAgo(2).getTime() + 60_000) }, expected: [] },
    { name: 'over capacity exactly 2 h', facts: { occupancy: 101, negativeClamps: 0, overCapacitySince: hoursAgo(2) }, expected: ['over_capacity'] },
    { name: 'at capacity for hours (full, not over)', facts: { occupancy: 100, negativeClamps: 0, overCapacitySince: null }, expected: [] },
    { name: 'both', facts: { occupancy: 120, negativeClamps: 2, overCapacitySince: hoursAgo(5) }, expected: ['negative_clamps', 'over_capacity'] },
  ])('$name → $expected', ({ facts, expected }) => {
    expect(reconcileLot({ capacity: 100, ...facts }, now)).toEqual(expected);
  });
});

describe(reconciliationDue.name, () => {
  it.each([
    { now: '2026-11-27T18:59:59.999Z', last: null, expected: null }, // 02:59:59 local: not yet
    { now: '2026-11-27T19:00:00.000Z', last: null, expected: '2026-11-28' }, // 03:00 local: due for that local day
    { now: '2026-11-27T19:00:00.000Z', last: '2026-11-28', expected: null }, // done already
    { now: '2026-11-28T10:00:00.000Z', last: '2026-11-27', expected: '2026-11-28' }, // missed at night (server down): runs later that day
    { now: '2026-11-28T15:59:59.000Z', last: '2026-11-28', expected: null }, // 23:59 local, done
  ])('$now, last $last → $expected', ({ now: at, last, expected }) => {
    expect(reconciliationDue(new Date(at), 'Asia/Shanghai', last)).toBe(expected);
  });
});
