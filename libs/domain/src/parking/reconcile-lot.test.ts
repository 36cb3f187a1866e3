// The daily reconciliation of a lot's count (see apps/server/src/parking/README.md).
import { describe, expect, it } from 'vitest';
import { reconcileLot, reconciliationDue, reconciliationDueAt } from './reconcile-lot';

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

describe(reconciliationDueAt.name, () => {
  // Asia/Shanghai is +08:00: 03:00 local is 19:00Z the day before; Asia/Kolkata (+05:30) 21:30Z.
  it.each([
    { name: 'before 03:00 local: at 03:00 that day', now: '2026-11-26T18:10:00.000Z', tz: 'Asia/Shanghai', last: '2026-11-26', expected: '2026-11-26T19:00:00.000Z' },
    { name: 'due now (after 03:00, the day not reconciled): now', now: '2026-11-26T20:00:00.000Z', tz: 'Asia/Shanghai', last: '2026-11-26', expected: '2026-11-26T20:00:00.000Z' },
    { name: 'today reconciled: 03:00 tomorrow', now: '2026-11-26T20:00:00.000Z', tz: 'Asia/Shanghai', last: '2026-11-27', expected: '2026-11-27T19:00:00.000Z' },
    { name: 'never reconciled, before 03:00: at 03:00', now: '2026-11-26T17:00:00.000Z', tz: 'Asia/Shanghai', last: null, expected: '2026-11-26T19:00:00.000Z' },
    { name: 'a half-hour zone: 03:00 local off the hour in UTC', now: '2026-11-26T12:00:00.000Z', tz: 'Asia/Kolkata', last: '2026-11-26', expected: '2026-11-26T21:30:00.000Z' },
  ])('$name', ({ now, tz, last, expected }) => {
    const due = reconciliationDueAt(new Date(now), tz, last);
    expect(due.toISOString()).toBe(expected);
    expect(reconciliationDue(due, tz, last)).not.toBeNull();
    if (due.toISOString() !== now) expect(reconciliationDue(new Date(due.getTime() - 1), tz, last)).toBeNull();
  });
});
