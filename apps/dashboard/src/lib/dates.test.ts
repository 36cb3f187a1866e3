// What a time reads on screen: the site's clock in one format per language, whatever zone runs the test.
import { describe, expect, it } from 'vitest';
import { browserZone, calendarDate, siteClock, siteDate, siteDateTime, siteDayStart, siteShortDate, siteZone, zoneLabel, zoneNote } from './dates';

describe(siteDateTime.name, () => {
  it.each([
    { name: 'Shanghai, Chinese', iso: '2026-12-04T10:05:09Z', tz: 'Asia/Shanghai', locale: 'zh-CN', expected: '2026-12-04 18:05' },
    { name: 'Shanghai, English', iso: '2026-12-04T10:05:09Z', tz: 'Asia/Shanghai', locale: 'en', expected: '4 Dec 2026 18:05' },
    { name: 'site midnight is 00, and already the next day', iso: '2026-11-27T16:00:00Z', tz: 'Asia/Shanghai', locale: 'zh-CN', expected: '2026-11-28 00:00' },
    { name: 'New York is the day before', iso: '2026-11-27T01:31:05Z', tz: 'America/New_York', locale: 'en', expected: '26 Nov 2026 20:31' },
    { name: 'Berlin, the first 02:30 of the autumn night (CEST)', iso: '2026-10-25T00:30:00Z', tz: 'Europe/Berlin', locale: 'zh-CN', expected: '2026-10-25 02:30' },
    { name: 'Berlin, the second 02:30 (CET)', iso: '2026-10-25T01:30:00Z', tz: 'Europe/Berlin', locale: 'zh-CN', expected: '2026-10-25 02:30' },
    { name: 'Berlin, the spring night skips 02:00–02:59', iso: '2026-03-29T01:00:00Z', tz: 'Europe/Berlin', locale: 'en', expected: '29 Mar 2026 03:00' },
    { name: 'no time', iso: undefined, tz: 'Asia/Shanghai', locale: 'en', expected: '—' },
    { name: 'not a time', iso: 'soon', tz: 'Asia/Shanghai', locale: 'zh-CN', expected: '—' },
  ])('$name: $iso → $expected', ({ iso, tz, locale, expected }) => {
    expect(siteDateTime(iso, tz, { locale })).toBe(expected);
  });

  it('adds seconds when asked, in both languages', () => {
    expect(siteDateTime('2026-11-27T01:31:05Z', 'Asia/Shanghai', { seconds: true })).toBe('2026-11-27 09:31:05');
    expect(siteDateTime('2026-11-27T01:31:05Z', 'Asia/Shanghai', { locale: 'en', seconds: true })).toBe('27 Nov 2026 09:31:05');
  });
});

describe(siteClock.name, () => {
  it.each([
    { iso: '2026-12-04T10:05:09Z', tz: 'Asia/Shanghai', seconds: false, expected: '18:05' },
    { iso: '2026-12-04T10:05:09Z', tz: 'Asia/Shanghai', seconds: true, expected: '18:05:09' },
    { iso: '2026-12-04T10:05:09Z', tz: 'Europe/Berlin', seconds: false, expected: '11:05' },
    { iso: undefined, tz: 'Asia/Shanghai', seconds: false, expected: '—' },
  ])('$iso in $tz → $expected', ({ iso, tz, seconds, expected }) => {
    expect(siteClock(iso, tz, seconds)).toBe(expected);
  });
});

describe(calendarDate.name, () => {
  it.each([
    { date: '2026-12-04', locale: 'zh-CN', expected: '2026-12-04' },
    { date: '2026-12-04', locale: 'en', expected: '4 Dec 2026' },
    { date: '2027-01-31', locale: 'en', expected: '31 Jan 2027' },
  ])('$date in $locale → $expected', ({ date, locale, expected }) => {
    expect(calendarDate(date, locale)).toBe(expected);
  });
});

describe(siteShortDate.name, () => {
  it('drops the year for a chart axis, in each language', () => {
    const at = Date.parse('2026-12-04T17:00:00Z'); // already 5 December in Shanghai
    expect(siteShortDate(at, 'Asia/Shanghai', 'zh-CN')).toBe('12-05');
    expect(siteShortDate(at, 'Asia/Shanghai', 'en')).toBe('5 Dec');
  });
});

describe(zoneNote.name, () => {
  it('names the site zone only when the browser is elsewhere', () => {
    expect(zoneNote('Asia/Shanghai', 'Asia/Shanghai')).toBeUndefined();
    expect(zoneNote('Asia/Shanghai', 'Europe/Berlin')).toBe('Asia/Shanghai');
  });
});

describe(zoneLabel.name, () => {
  it.each([
    { tz: 'Asia/Shanghai', at: '2026-12-04T10:00:00Z', full: 'Asia/Shanghai · UTC+08:00' },
    { tz: 'Europe/Berlin', at: '2026-07-01T10:00:00Z', full: 'Europe/Berlin · UTC+02:00' },
    { tz: 'America/New_York', at: '2026-12-04T10:00:00Z', full: 'America/New_York · UTC−05:00' },
  ])('$tz: the id and the offset in force ($full), and a short name', ({ tz, at, full }) => {
    const label = zoneLabel(tz, 'en', Date.parse(at));
    expect(label.full).toBe(full);
    expect(label.short.length).toBeGreaterThan(0);
  });
});

describe(siteZone.name, () => {
  const sites = [{ id: 'lakeside', timezone: 'Asia/Shanghai' }, { id: 'tower', timezone: 'Europe/Berlin' }];
  it.each([
    { why: 'the row’s own site', siteId: 'tower', expected: 'Europe/Berlin' },
    { why: 'no site named: the first site', siteId: undefined, expected: 'Asia/Shanghai' },
    { why: 'a site not (yet) listed: the first site', siteId: 'elsewhere', expected: 'Asia/Shanghai' },
  ])('$why → $expected', ({ siteId, expected }) => {
    expect(siteZone(sites, siteId)).toBe(expected);
  });
  it('is this browser’s zone until the sites have loaded', () => expect(siteZone([])).toBe(browserZone()));
});

describe(siteDayStart.name, () => {
  it.each([
    { date: '2026-11-27', tz: 'Asia/Shanghai', expected: '2026-11-27T00:00:00+08:00' },
    { date: '2026-07-01', tz: 'Europe/London', expected: '2026-07-01T00:00:00+01:00' }, // summer time
    { date: '2026-10-25', tz: 'Europe/Berlin', expected: '2026-10-25T00:00:00+02:00' }, // the autumn day still begins in summer time
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
});
