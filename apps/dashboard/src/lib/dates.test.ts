import { describe, expect, it } from 'vitest';
import { localDate, siteDate, siteDateTime, siteDayStart, zoneNote } from './dates';

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

describe(siteDate.name, () => {
  it.each([
    ['Shanghai after 16:00 UTC is already the next day', '2026-12-04T17:03:00Z', 'Asia/Shanghai', '2026-12-05'],
    ['Shanghai before 16:00 UTC is the same day', '2026-12-04T15:59:59Z', 'Asia/Shanghai', '2026-12-04'],
    ['Berlin on the night summer time ends (UTC+2 until 01:00 UTC)', '2026-10-24T22:30:00Z', 'Europe/Berlin', '2026-10-25'],
    ['Berlin in winter (UTC+1): 23:30 UTC is 00:30 the next day', '2026-12-04T23:30:00Z', 'Europe/Berlin', '2026-12-05'],
    ['New York is behind UTC', '2026-12-05T03:00:00Z', 'America/New_York', '2026-12-04'],
  ])('%s', (_, at, zone, day) => {
    expect(siteDate(Date.parse(at), zone)).toBe(day);
  });

  it('falls back to this machine\'s calendar while no zone is known', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    expect(siteDate(now, undefined)).toBe(localDate(now));
  });
});
