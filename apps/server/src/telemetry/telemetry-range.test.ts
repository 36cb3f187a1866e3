import { describe, expect, it } from 'vitest';
import { stepMs } from '@estate-watch/contracts';
import { checkBuckets, resolveRange } from './telemetry-range';

const NOW = new Date('2026-11-27T02:00:00Z');
const iso = (v: ReturnType<typeof resolveRange>) => (v.ok ? [v.from.toISOString(), v.to.toISOString()] : v.reason);

describe(resolveRange.name, () => {
  it.each([
    { from: undefined, to: undefined, expected: ['2026-11-27T01:00:00.000Z', '2026-11-27T02:00:00.000Z'] },
    { from: '2026-11-27T08:00:00+08:00', to: undefined, expected: ['2026-11-27T00:00:00.000Z', '2026-11-27T01:00:00.000Z'] },
    { from: undefined, to: '2026-11-26T12:00:00Z', expected: ['2026-11-26T11:00:00.000Z', '2026-11-26T12:00:00.000Z'] },
    { from: '2026-10-27T02:00:00Z', to: '2026-11-27T02:00:00Z', expected: ['2026-10-27T02:00:00.000Z', '2026-11-27T02:00:00.000Z'] }, // 31 days: the edge is allowed
  ])('from $from, to $to', ({ from, to, expected }) => {
    expect(iso(resolveRange(from, to, NOW))).toEqual(expected);
  });

  it.each([
    { from: '2026-11-27T02:00:00Z', to: '2026-11-27T02:00:00Z', reason: /must be before/ },
    { from: '2026-11-27T03:00:00Z', to: '2026-11-27T02:00:00Z', reason: /must be before/ },
    { from: '2026-10-27T01:59:59Z', to: '2026-11-27T02:00:00Z', reason: /at most 31 days/ },
  ])('refuses from $from to $to', ({ from, to, reason }) => {
    expect(iso(resolveRange(from, to, NOW))).toMatch(reason);
  });
});

describe(checkBuckets.name, () => {
  const day = [new Date('2026-11-26T00:00:00Z'), new Date('2026-11-27T00:00:00Z')] as const;
  it.each([
    { step: '10s', expected: undefined }, // 8,640 buckets
    { step: '1m', expected: undefined },
    { step: '5s', expected: 'step 5s makes 17280 buckets over this range; at most 10000: use a step of at least 9s or a shorter range' },
  ])('one day at $step', ({ step, expected }) => {
    expect(checkBuckets(day[0], day[1], step, stepMs(step)!)).toBe(expected);
  });
});

describe(stepMs.name, () => {
  it.each([
    ['10s', 10_000],
    ['1m', 60_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['0s', undefined],
    ['1.5m', undefined],
    ['1w', undefined],
    ['m', undefined],
    ['01m', undefined],
  ])('%s → %s', (step, ms) => {
    expect(stepMs(step)).toBe(ms);
  });
});
