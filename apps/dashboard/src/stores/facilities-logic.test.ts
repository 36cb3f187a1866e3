import { describe, expect, it } from 'vitest';
import type { DispenserDto, GateStateDto } from '@estate-watch/contracts';
import { barrierView, compareDispensers, levelState, occupancyLevel, occupancyPct, openOutcome } from './facilities-logic';

const NOW = Date.parse('2026-11-27T09:00:00Z');
const ago = (sec: number) => new Date(NOW - sec * 1000).toISOString();

describe('lot occupancy', () => {
  it.each([
    { occupancy: 0, capacity: 60, full: false, level: 'ok', pct: 0 },
    { occupancy: 53, capacity: 60, full: false, level: 'ok', pct: 88 },
    { occupancy: 54, capacity: 60, full: false, level: 'busy', pct: 90 },
    { occupancy: 60, capacity: 60, full: true, level: 'full', pct: 100 },
    { occupancy: 58, capacity: 60, full: true, level: 'full', pct: 97 }, // full until below 95 % (CONTRACT §4)
    { occupancy: 75, capacity: 60, full: true, level: 'full', pct: 100 }, // the bar does not overflow
    { occupancy: 3, capacity: 0, full: false, level: 'ok', pct: 0 },
  ])('$occupancy of $capacity (full: $full) → $level, $pct %', ({ level, pct, ...lot }) => {
    expect(occupancyLevel(lot)).toBe(level);
    expect(occupancyPct(lot)).toBe(pct);
  });
});

describe('barrier', () => {
  const gate = (over: Partial<GateStateDto>): GateStateDto => ({ id: 'g1', name: '北门入口', barrier: 'closed', stuckOpenSec: 120, ...over });

  it.each([
    { barrier: 'open', since: 120, stuck: false, why: 'open exactly stuckOpenSec: not yet' },
    { barrier: 'open', since: 121, stuck: true, why: 'open longer than stuckOpenSec' },
    { barrier: 'closed', since: 3600, stuck: false, why: 'closed for an hour' },
    { barrier: 'fault', since: 600, stuck: false, why: 'a fault is its own state' },
  ] as const)('$why', ({ barrier, since, stuck }) => {
    expect(barrierView(gate({ barrier, barrierSince: ago(since) }), NOW)).toEqual({ state: barrier, stuck, forMs: since * 1000 });
  });

  it('a gate that never reported is unknown, not closed', () => {
    expect(barrierView(gate({ barrier: null }), NOW)).toEqual({ state: 'unknown', stuck: false, forMs: null });
  });
});

describe('remote open outcome', () => {
  it.each([
    { answer: { ok: true, ackedAt: ago(0) }, kind: 'acked' },
    { answer: { ok: false, error: 'obstacle', ackedAt: ago(0) }, kind: 'refused' },
    { answer: { status: 504, message: 'gate g1 did not acknowledge' }, kind: 'timeout' },
    { answer: { status: 503, message: 'broker unreachable' }, kind: 'failed' },
    { answer: { status: 0, message: 'Failed to fetch' }, kind: 'failed' },
  ])('$kind', ({ answer, kind }) => {
    expect(openOutcome(answer).kind).toBe(kind);
  });
});

describe('dispensers', () => {
  const d = (over: Partial<DispenserDto>): DispenserDto => ({
    siteId: 'lakeside', timezone: 'Asia/Shanghai', id: over.name ?? 'x', name: 'x', consumable: 'soap', lowPct: 20, emptyPct: 5, level: 50, revision: 1, ...over,
  });

  it.each([
    { level: null, state: 'unknown' },
    { level: 5, state: 'empty' }, // edges inclusive (CONTRACT §4: level ≤ emptyPct)
    { level: 6, state: 'low' },
    { level: 20, state: 'low' },
    { level: 21, state: 'ok' },
  ])('level $level with low 20 / empty 5 → $state', ({ level, state }) => {
    expect(levelState(d({ level }))).toBe(state);
  });

  it('lists who needs a refill first: empty, low, silent, then by time to empty and level', () => {
    const list = [
      d({ name: 'ok-late', level: 80, expectedEmptyAt: ago(-86_400) }),
      d({ name: 'silent', level: null }),
      d({ name: 'ok-soon', level: 60, expectedEmptyAt: ago(-3600) }),
      d({ name: 'low', level: 12 }),
      d({ name: 'empty', level: 2 }),
      d({ name: 'ok-no-rate', level: 40 }),
    ];
    expect(list.sort(compareDispensers).map((x) => x.name)).toEqual(['empty', 'low', 'silent', 'ok-soon', 'ok-late', 'ok-no-rate']);
  });
});
