// CONTRACT §4 gate.stuck_open: "barrier open longer than stuckOpenSec".
import { describe, expect, it } from 'vitest';
import { isStuckOpen, stuckOpenFrom, type BarrierState } from './stuck-open';

const since = new Date('2026-11-27T01:00:00.000Z');
const after = (ms: number) => new Date(since.getTime() + ms);

describe(isStuckOpen.name, () => {
  it.each([
    { barrier: 'open', now: after(119_999), expected: false },
    { barrier: 'open', now: after(120_000), expected: false }, // exactly stuckOpenSec: not longer than it
    { barrier: 'open', now: after(120_001), expected: true }, // 1 ms past: stuck
    { barrier: 'closed', now: after(600_000), expected: false },
    { barrier: 'fault', now: after(600_000), expected: false }, // a fault is gate.fault, not stuck open
    { barrier: null, now: after(600_000), expected: false }, // never reported
  ])('$barrier at +$now → $expected', ({ barrier, now, expected }) => {
    expect(isStuckOpen(barrier as BarrierState | null, since, now, 120)).toBe(expected);
  });
});

describe(stuckOpenFrom.name, () => {
  it('is the first instant isStuckOpen holds: stuckOpenSec and 1 ms after the barrier opened', () => {
    const due = stuckOpenFrom(since, 120);
    expect(due).toEqual(after(120_001));
    expect(isStuckOpen('open', since, due, 120)).toBe(true);
    expect(isStuckOpen('open', since, new Date(due.getTime() - 1), 120)).toBe(false);
  });
});
