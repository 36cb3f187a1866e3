import { describe, expect, it } from 'vitest';
import { clockOffset, countdown, windowState } from './guard-logic';

const next = { windowStart: '2026-12-04T01:50:00.000Z', windowEnd: '2026-12-04T02:10:00.000Z' };
const at = (iso: string) => Date.parse(iso);

describe(windowState.name, () => {
  it.each([
    { now: '2026-12-04T01:49:59.000Z', phase: 'before', ms: 1000 },
    { now: '2026-12-04T01:50:00.000Z', phase: 'open', ms: 20 * 60_000 }, // opening edge is inside (CONTRACT §3)
    { now: '2026-12-04T02:10:00.000Z', phase: 'open', ms: 0 }, // closing edge too
    { now: '2026-12-04T02:10:00.001Z', phase: 'closed', ms: 0 },
  ])('$now → $phase, $ms ms', ({ now, phase, ms }) => {
    expect(windowState(next, at(now))).toEqual({ phase, ms });
  });
});

describe(countdown.name, () => {
  it.each([
    { ms: 0, text: '00:00' },
    { ms: 1, text: '00:01' }, // rounded up: an open window never reads 00:00
    { ms: 59_001, text: '01:00' },
    { ms: 3_599_000, text: '59:59' },
    { ms: 3_600_000, text: '1:00:00' },
    { ms: -5000, text: '00:00' },
  ])('$ms ms → $text', ({ ms, text }) => {
    expect(countdown(ms)).toBe(text);
  });
});

describe(clockOffset.name, () => {
  it('is how far the server is ahead of this phone', () => {
    expect(clockOffset('2026-12-04T02:00:30.000Z', at('2026-12-04T02:00:00.000Z'))).toBe(30_000);
  });
});
