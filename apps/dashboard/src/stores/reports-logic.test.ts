import { describe, expect, it } from 'vitest';
import { durationText, grade, lastDays, monthRange, pctText, rangeDays, rangeProblem, rangeQuery } from './reports-logic';

describe('report range', () => {
  it('defaults to the last 30 days including today, as the server does', () => {
    expect(lastDays('2026-11-27')).toEqual({ from: '2026-10-29', to: '2026-11-27' });
    expect(rangeDays(lastDays('2026-11-27'))).toBe(30);
    expect(lastDays('2026-11-27', 7)).toEqual({ from: '2026-11-21', to: '2026-11-27' });
  });

  it('this month runs to today; last month is whole', () => {
    expect(monthRange('2026-11-27')).toEqual({ from: '2026-11-01', to: '2026-11-27' });
    expect(monthRange('2026-03-15', 1)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthRange('2026-01-10', 1)).toEqual({ from: '2025-12-01', to: '2025-12-31' });
  });

  it('asks for the day after the last one shown: the API’s `to` is exclusive', () => {
    expect(rangeQuery({ from: '2026-11-01', to: '2026-11-30' })).toEqual({ from: '2026-11-01', to: '2026-12-01' });
  });

  it.each([
    { range: { from: '2026-11-01', to: '2026-11-01' }, problem: null, why: 'one day' },
    { range: { from: '2026-11-02', to: '2026-11-01' }, problem: 'order', why: 'ends before it starts' },
    { range: { from: '2025-11-27', to: '2026-11-27' }, problem: null, why: '366 days, the longest allowed' },
    { range: { from: '2025-11-26', to: '2026-11-27' }, problem: 'tooLong', why: '367 days' },
  ] as const)('$why → $problem', ({ range, problem }) => {
    expect(rangeProblem(range)).toBe(problem);
  });
});

describe('durations and percentages', () => {
  it.each([
    { min: null, expected: null },
    { min: 0, expected: { value: '<1', unit: 'min' } },
    { min: 0.6, expected: { value: '<1', unit: 'min' } },
    { min: 1, expected: { value: '1', unit: 'min' } },
    { min: 4.25, expected: { value: '4.3', unit: 'min' } },
    { min: 12.4, expected: { value: '12', unit: 'min' } },
    { min: 59.4, expected: { value: '59', unit: 'min' } },
    { min: 90, expected: { value: '1.5', unit: 'h' } },
    { min: 600, expected: { value: '10', unit: 'h' } },
    { min: 47 * 60, expected: { value: '47', unit: 'h' } },
    { min: 3 * 1440, expected: { value: '3', unit: 'd' } },
    { min: 2.5 * 1440, expected: { value: '2.5', unit: 'd' } },
  ])('$min minutes → $expected', ({ min, expected }) => {
    expect(durationText(min)).toEqual(expected);
  });

  it.each([
    { pct: null, text: '—' },
    { pct: 100, text: '100%' },
    { pct: 87.5, text: '87.5%' },
    { pct: 0, text: '0%' },
  ])('$pct → $text', ({ pct, text }) => {
    expect(pctText(pct)).toBe(text);
  });

  it.each([
    { pct: null, g: 'none' },
    { pct: 90, g: 'good' },
    { pct: 89.9, g: 'fair' },
    { pct: 75, g: 'fair' },
    { pct: 74.9, g: 'poor' },
  ])('$pct % grades $g', ({ pct, g }) => {
    expect(grade(pct)).toBe(g);
  });
});
