import { describe, expect, it } from 'vitest';
import { siteDateTime, siteDayStart, zoneNote } from './dates';

describe(siteDateTime.name, () => {
  it.each([
    { iso: '2026-11-27T01:31:05Z', tz: 'Asia/Shanghai', expected: '2026-11-27 09:31' },
    { iso: '2026-11-27T16:00:00Z', tz: 'Asia/Shanghai', expected: '2026-11-28 00:00' }, // midnight is 00
    { iso: '2026-11-27T01:31:05Z', tz: 'America/New_York', expected: '2026-11-26 20:31' },
    { iso: undefined, tz: 'Asia/Shanghai', expected: '—' },
  ])('$iso in $tz → $expected', ({ iso, tz, expected }) => {
    expect(siteDateTime(iso, tz)).toBe(expected);
  });
  it('adds seconds when asked', () => expect(siteDateTime('2026-11-27T01:31:05Z', 'Asia/Shanghai', true)).toBe('2026-11-27 09:31:05'));
});

describe(zoneNote.name, () => {
  it('names the site zone only when the browser is elsewhere', () => {
    expect(zoneNote('Asia/Shanghai', 'Asia/Shanghai')).toBeUndefined();
    expect(zoneNote('Asia/Shanghai', 'Europe/Berlin')).toBe('Asia/Shanghai');
  });
});

describe(siteDayStart.name, () => {
  it.each([
    { date: '2026-11-27', tz: 'Asia/Shanghai', expected: '2026-11-27T00:00:00+08:00' },
    { date: '2026-07-01', tz: 'Europe/London', expected: '2026-07-01T00:00:00+01:00' }, // summer time
    { date: '2026-01-15', tz: 'America/New_York', expected: '2026-01-15T00:00:00-05:00' },
    { date: '2026-11-27', tz: 'UTC', expected: '2026-11-27T00:00:00+00:00' },
  ])('$date in $tz → $expected', ({ date, tz, expected }) => {
    expect(siteDayStart(date, tz)).toBe(expected);
  });
});
