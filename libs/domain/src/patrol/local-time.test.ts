// The site-local arithmetic behind round planning: a fixed-offset zone, DST zones both ways, day boundaries.
import { describe, expect, it } from 'vitest';
import { shiftDate, localDateOf, localTimeOf, zonedInstant } from './local-time';

describe(zonedInstant.name, () => {
  it.each([
    { name: 'Shanghai, no DST', date: '2026-11-27', hhmm: '09:30', tz: 'Asia/Shanghai', expected: '2026-11-27T01:30:00.000Z' },
    { name: 'Shanghai, local midnight is the previous UTC day', date: '2026-11-27', hhmm: '00:00', tz: 'Asia/Shanghai', expected: '2026-11-26T16:00:00.000Z' },
    { name: 'Shanghai, last minute of the day', date: '2026-12-31', hhmm: '23:59', tz: 'Asia/Shanghai', expected: '2026-12-31T15:59:00.000Z' },
    { name: 'UTC', date: '2026-03-08', hhmm: '02:30', tz: 'UTC', expected: '2026-03-08T02:30:00.000Z' },
    { name: 'Kathmandu, +05:45', date: '2026-06-01', hhmm: '09:30', tz: 'Asia/Kathmandu', expected: '2026-06-01T03:45:00.000Z' },
    { name: 'New York, winter (EST)', date: '2026-01-15', hhmm: '09:30', tz: 'America/New_York', expected: '2026-01-15T14:30:00.000Z' },
    { name: 'New York, summer (EDT)', date: '2026-07-15', hhmm: '09:30', tz: 'America/New_York', expected: '2026-07-15T13:30:00.000Z' },
    { name: 'New York, spring-forward day after the jump', date: '2026-03-08', hhmm: '09:30', tz: 'America/New_York', expected: '2026-03-08T13:30:00.000Z' },
    { name: 'New York, spring-forward day before the jump', date: '2026-03-08', hhmm: '01:59', tz: 'America/New_York', expected: '2026-03-08T06:59:00.000Z' },
    { name: 'New York, 02:30 does not exist: read past the gap (03:30 EDT)', date: '2026-03-08', hhmm: '02:30', tz: 'America/New_York', expected: '2026-03-08T07:30:00.000Z' },
    { name: 'New York, 01:30 happens twice: the first (EDT)', date: '2026-11-01', hhmm: '01:30', tz: 'America/New_York', expected: '2026-11-01T05:30:00.000Z' },
    { name: 'New York, fall-back day after the repeat (EST)', date: '2026-11-01', hhmm: '09:30', tz: 'America/New_York', expected: '2026-11-01T14:30:00.000Z' },
    { name: 'Berlin, 02:30 on the spring day does not exist', date: '2026-03-29', hhmm: '02:30', tz: 'Europe/Berlin', expected: '2026-03-29T01:30:00.000Z' },
    { name: 'Sydney, southern summer (AEDT)', date: '2026-01-10', hhmm: '09:30', tz: 'Australia/Sydney', expected: '2026-01-09T22:30:00.000Z' },
  ])('$name: $date $hhmm → $expected', ({ date, hhmm, tz, expected }) => {
    expect(zonedInstant(date, hhmm, tz).toISOString()).toBe(expected);
  });

  it('refuses what is not a date or a time', () => {
    expect(() => zonedInstant('2026-1-1', '09:30', 'UTC')).toThrow(/YYYY-MM-DD/);
    expect(() => zonedInstant('2026-01-01', '9:30', 'UTC')).toThrow(/HH:MM/);
  });
});

describe(localDateOf.name, () => {
  it.each([
    { at: '2026-11-26T15:59:59.999Z', tz: 'Asia/Shanghai', date: '2026-11-26', time: '23:59' }, // last instant of the local day
    { at: '2026-11-26T16:00:00.000Z', tz: 'Asia/Shanghai', date: '2026-11-27', time: '00:00' }, // local midnight
    { at: '2026-11-01T05:30:00.000Z', tz: 'America/New_York', date: '2026-11-01', time: '01:30' },
    { at: '2026-11-01T06:30:00.000Z', tz: 'America/New_York', date: '2026-11-01', time: '01:30' }, // the repeated hour
  ])('$at in $tz is $date $time', ({ at, tz, date, time }) => {
    expect(localDateOf(new Date(at), tz)).toBe(date);
    expect(localTimeOf(new Date(at), tz)).toBe(time);
  });
});

describe(shiftDate.name, () => {
  it.each([
    { date: '2026-11-27', days: 1, expected: '2026-11-28' },
    { date: '2026-12-31', days: 1, expected: '2027-01-01' },
    { date: '2028-03-01', days: -1, expected: '2028-02-29' },
  ])('$date + $days → $expected', ({ date, days, expected }) => {
    expect(shiftDate(date, days)).toBe(expected);
  });
});
