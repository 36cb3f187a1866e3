// CONTRACT §4 gate.stuck_open: "barrier open longer than stuckOpenSec".
import { describe, expect, it } from 'vitest';
import { isStuckOpen, stuckOpenFrom, stuckOpenOwed, type BarrierState } from './stuck-open';

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

describe(stuckOpenOwed.name, () => {
  const opening = { barrier: 'open' as const, openSince: since, raised: false };
  it.each([
    { what: 'closed after more than stuckOpenSec, never raised', o: opening, next: 'closed', ended: 120_001, expected: after(120_001) },
    { what: 'a fault after more than stuckOpenSec', o: opening, next: 'fault', ended: 600_000, expected: after(120_001) },
    { what: 'closed at exactly stuckOpenSec', o: opening, next: 'closed', ended: 120_000, expected: null },
    { what: 'already raised by the sweep', o: { ...opening, raised: true }, next: 'closed', ended: 600_000, expected: null },
    { what: 'a heartbeat repeating open', o: opening, next: 'open', ended: 600_000, expected: null },
    { what: 'a closed barrier closing again', o: { ...opening, barrier: 'closed' as const }, next: 'closed', ended: 600_000, expected: null },
  ])('$what → $expected', ({ o, next, ended, expected }) => {
    expect(stuckOpenOwed(o, next as BarrierState, after(ended), 120)).toEqual(expected);
  });
});
