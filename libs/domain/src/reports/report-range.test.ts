import { describe, expect, it } from 'vitest';
import { addDays, localDate, localDay, localDayStart, resolveReportRange } from './report-range';

const SH = 'Asia/Shanghai';

describe(localDayStart.name, () => {
  it.each([
    { date: '2026-11-01', tz: SH, expected: '2026-10-31T16:00:00.000Z' },
    { date: '2026-11-01', tz: 'UTC', expected: '2026-11-01T00:00:00.000Z' },
    { date: '2026-03-29', tz: 'Europe/Berlin', expected: '2026-03-28T23:00:00.000Z' }, // DST starts at 02:00: midnight is still +1
    { date: '2026-03-30', tz: 'Europe/Berlin', expected: '2026-03-29T22:00:00.000Z' }, // now +2
    { date: '2026-11-02', tz: 'America/New_York', expected: '2026-11-02T05:00:00.000Z' }, // the day after DST ends
    { date: '2026-11-01', tz: 'America/New_York', expected: '2026-11-01T04:00:00.000Z' }, // DST ends at 02:00 that day
  ])('$date in $tz begins at $expected', ({ date, tz, expected }) => {
    expect(localDayStart(date, tz).toISOString()).toBe(expected);
  });

  it('refuses anything but YYYY-MM-DD', () => {
    expect(() => localDayStart('2026-11-1', SH)).toThrow(/YYYY-MM-DD/);
  });
});

describe(localDay.name, () => {
  it.each([
    { date: '2026-11-02', tz: SH, hours: 24 },
    { date: '2026-03-29', tz: 'Europe/Berlin', hours: 23 },
    { date: '2026-10-25', tz: 'Europe/Berlin', hours: 25 },
  ])('$date in $tz lasts $hours h', ({ date, tz, hours }) => {
    const { from, to } = localDay(date, tz);
    expect((to.getTime() - from.getTime()) / 3600_000).toBe(hours);
  });
});

describe(localDate.name, () => {
  it.each([
    { instant: '2026-11-01T15:59:59Z', expected: '2026-11-01' },
    { instant: '2026-11-01T16:00:00Z', expected: '2026-11-02' }, { instant: '2026-10-31T15:59:59Z', expected: '2026-10-31' },
  ])('$instant is $expected in Shanghai', ({ instant, expected }) => {
    expect(localDate(new Date(instant), SH)).toBe(expected);
  });
});

describe(addDays.name, () => {
  it.each([
    { date: '2026-12-31', days: 1, expected: '2027-01-01' },
    { date: '2028-03-01', days: -1, expected: '2028-02-29' },
    { date: '2026-11-30', days: -30, expected: '2026-10-31' },
  ])('$date + $days → $expected', ({ date, days, expected }) => {
    expect(addDays(date, days)).toBe(expected);
  });
});

describe(resolveReportRange.name, () => {
  const now = new Date('2026-11-27T01:30:00Z'); // 09:30 in Shanghai
  it.each([
    { why: 'dates are site-local midnights; to is exclusive', q: { from: '2026-11-01', to: '2026-12-01' }, from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' },
    { why: 'date-times are exact instants', q: { from: '2026-11-01T08:00:00+08:00', to: '2026-11-01T20:00:00Z' }, from: '2026-11-01T00:00:00.000Z', to: '2026-11-01T20:00:00.000Z' },
    { why: 'default: the 30 site-local days up to the end of today', q: {}, from: '2026-10-28T16:00:00.000Z', to: '2026-11-27T16:00:00.000Z' },
    { why: 'only a date to: the 30 days before it', q: { to: '2026-11-01' }, from: '2026-10-01T16:00:00.000Z', to: '2026-10-31T16:00:00.000Z' },
    { why: 'only a from: up to the end of today', q: { from: '2026-11-20' }, from: '2026-11-19T16:00:00.000Z', to: '2026-11-27T16:00:00.000Z' },
    { why: '366 days is allowed (a leap year)', q: { from: '2028-01-01', to: '2029-01-01' }, from: '2027-12-31T16:00:00.000Z', to: '2028-12-31T16:00:00.000Z' },
  ])('$why', ({ q, from, to }) => {
    const r = resolveReportRange(q, now, SH);
    expect(r).toEqual({ ok: true, from: new Date(from), to: new Date(to) });
  });

  it.each([
    { why: 'from equal to to', q: { from: '2026-11-01', to: '2026-11-01' }, message: /must be before to/ },
    { why: 'from after to', q: { from: '2026-11-02', to: '2026-11-01' }, message: /must be before to.*exclusive/ },
    { why: 'more than 366 days', q: { from: '2025-01-01', to: '2026-01-03' }, message: /367 days; at most 366/ },
    { why: 'a from long ago with the default to', q: { from: '2020-01-01' }, message: /at most 366/ },
  ])('refuses $why, saying what to send', ({ q, message }) => {
    const r = resolveReportRange(q, now, SH);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
