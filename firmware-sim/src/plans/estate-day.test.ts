// The simulated estate keeps the site's wall clock (CONTRACT §2: schedules are HH:MM in the site's
// zone), also on the two days a year Europe/Berlin changes its clocks: minute m of the day is the
// instant the site's clocks read hh:mm, not m minutes after midnight.
import { describe, expect, it } from 'vitest';
import { DAY_MIN, firstMinute, localDay } from './estate-day';

const H = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe(localDay.name, () => {
  it.each([
    { zone: 'Asia/Shanghai', date: '2026-11-27', hours: 24, at: { '00:00': '2026-11-26T16:00:00.000Z', '08:00': '2026-11-27T00:00:00.000Z', '24:00': '2026-11-27T16:00:00.000Z' } },
    { zone: 'Europe/Berlin', date: '2026-07-01', hours: 24, at: { '00:00': '2026-06-30T22:00:00.000Z', '08:00': '2026-07-01T06:00:00.000Z', '24:00': '2026-07-01T22:00:00.000Z' } },
    // Spring: 02:00 CET → 03:00 CEST; 02:30 does not exist and reads as the jump (03:00 CEST).
    { zone: 'Europe/Berlin', date: '2026-03-29', hours: 23, at: { '00:00': '2026-03-28T23:00:00.000Z', '01:59': '2026-03-29T00:59:00.000Z', '02:30': '2026-03-29T01:00:00.000Z', '03:00': '2026-03-29T01:00:00.000Z', '08:00': '2026-03-29T06:00:00.000Z', '23:59': '2026-03-29T21:59:00.000Z', '24:00': '2026-03-29T22:00:00.000Z' } },
    // Autumn: 03:00 CEST → 02:00 CET; 02:30 happens twice and is its first time.
    { zone: 'Europe/Berlin', date: '2026-10-25', hours: 25, at: { '00:00': '2026-10-24T22:00:00.000Z', '02:30': '2026-10-25T00:30:00.000Z', '03:00': '2026-10-25T02:00:00.000Z', '08:00': '2026-10-25T07:00:00.000Z', '23:59': '2026-10-25T22:59:00.000Z', '24:00': '2026-10-25T23:00:00.000Z' } },
  ])('$zone $date ($hours h): wall times are the site clock\'s', ({ zone, date, hours, at }) => {
    const day = localDay(date, zone);
    expect(day.end - day.start).toBe(hours * H);
    const minute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
    expect(Object.fromEntries(Object.keys(at).map((hhmm) => [hhmm, iso(day.at(minute(hhmm)))]))).toEqual(at);
  });

  it('a fraction of a minute is that much past the minute, on a change day too', () => {
    const day = localDay('2026-10-25', 'Europe/Berlin');
    expect(iso(day.at(480.5))).toBe('2026-10-25T07:00:30.000Z');
  });

  it('never runs backwards across a change (plans walk the minutes in order)', () => {
    for (const date of ['2026-03-29', '2026-10-25']) {
      const day = localDay(date, 'Europe/Berlin');
      for (let m = 1; m <= DAY_MIN; m++) expect(day.at(m)).toBeGreaterThanOrEqual(day.at(m - 1));
    }
  });
});

describe(firstMinute.name, () => {
  it.each([
    { zone: 'Asia/Shanghai', date: '2026-11-27', from: '2026-11-27T00:00:30.000Z', minute: 480, why: 'within 08:00' },
    { zone: 'Asia/Shanghai', date: '2026-11-27', from: '2026-11-26T15:00:00.000Z', minute: 0, why: 'before the day' },
    { zone: 'Asia/Shanghai', date: '2026-11-27', from: '2026-11-27T16:00:00.000Z', minute: DAY_MIN, why: 'after the day' },
    { zone: 'Europe/Berlin', date: '2026-03-29', from: '2026-03-29T06:00:00.000Z', minute: 480, why: 'spring, 08:00 CEST' },
    { zone: 'Europe/Berlin', date: '2026-10-25', from: '2026-10-25T07:00:00.000Z', minute: 480, why: 'autumn, 08:00 CET' },
    { zone: 'Europe/Berlin', date: '2026-10-25', from: '2026-10-25T00:30:00.000Z', minute: 150, why: 'autumn, 02:30 the first time' },
    { zone: 'Europe/Berlin', date: '2026-10-25', from: '2026-10-25T01:30:00.000Z', minute: 180, why: 'autumn, 02:30 the second time: on to 03:00' },
  ])('$zone $date, $why → minute $minute', ({ zone, date, from, minute }) => {
    expect(firstMinute(localDay(date, zone), Date.parse(from))).toBe(minute);
  });
});
