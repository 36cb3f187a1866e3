// The one site clock across a zone without daylight saving (Asia/Shanghai) and one with it
// (Europe/Berlin: 2026-03-29 02:00 → 03:00, 2026-10-25 03:00 → 02:00, both at 01:00 UTC).
import { describe, expect, it } from 'vitest';
import {
  dayNumber,
  isCalendarDate,
  localDateOf,
  localDateTimeOf,
  localDayBounds,
  localDayStart,
  localTimeOf,
  rfc3339InZone,
  shiftDate,
  wallClockOf,
  zonedInstant,
  zoneOffsetMs,
} from './site-clock';

const SH = 'Asia/Shanghai';
const BER = 'Europe/Berlin';
const NY = 'America/New_York';

describe(zonedInstant.name, () => {
  it.each([
    { name: 'Shanghai, no DST', date: '2026-11-27', hhmm: '09:30', tz: SH, expected: '2026-11-27T01:30:00.000Z' },
    { name: 'Shanghai, local midnight is the previous UTC day', date: '2026-11-27', hhmm: '00:00', tz: SH, expected: '2026-11-26T16:00:00.000Z' },
    { name: 'Shanghai, last minute of the year', date: '2026-12-31', hhmm: '23:59', tz: SH, expected: '2026-12-31T15:59:00.000Z' },
    { name: 'Berlin, winter (CET, +1)', date: '2026-01-15', hhmm: '09:30', tz: BER, expected: '2026-01-15T08:30:00.000Z' },
    { name: 'Berlin, summer (CEST, +2)', date: '2026-07-15', hhmm: '09:30', tz: BER, expected: '2026-07-15T07:30:00.000Z' },
    { name: 'Berlin spring day, last minute before the gap', date: '2026-03-29', hhmm: '01:59', tz: BER, expected: '2026-03-29T00:59:00.000Z' },
    { name: 'Berlin spring day, 02:00 does not exist: read past the gap (03:00 CEST)', date: '2026-03-29', hhmm: '02:00', tz: BER, expected: '2026-03-29T01:00:00.000Z' },
    { name: 'Berlin spring day, 02:30 does not exist: read past the gap (03:30 CEST)', date: '2026-03-29', hhmm: '02:30', tz: BER, expected: '2026-03-29T01:30:00.000Z' },
    { name: 'Berlin spring day, 03:00 is the first wall minute after the gap', date: '2026-03-29', hhmm: '03:00', tz: BER, expected: '2026-03-29T01:00:00.000Z' },
    { name: 'Berlin spring day, after the gap', date: '2026-03-29', hhmm: '09:30', tz: BER, expected: '2026-03-29T07:30:00.000Z' },
    { name: 'Berlin autumn day, before the repeated hour', date: '2026-10-25', hhmm: '01:59', tz: BER, expected: '2026-10-24T23:59:00.000Z' },
    { name: 'Berlin autumn day, 02:00 happens twice: the first (CEST)', date: '2026-10-25', hhmm: '02:00', tz: BER, expected: '2026-10-25T00:00:00.000Z' },
    { name: 'Berlin autumn day, 02:30 happens twice: the first (CEST)', date: '2026-10-25', hhmm: '02:30', tz: BER, expected: '2026-10-25T00:30:00.000Z' },
    { name: 'Berlin autumn day, 03:00 after the repeat (CET)', date: '2026-10-25', hhmm: '03:00', tz: BER, expected: '2026-10-25T02:00:00.000Z' },
    { name: 'New York, 02:30 does not exist on the spring day', date: '2026-03-08', hhmm: '02:30', tz: NY, expected: '2026-03-08T07:30:00.000Z' },
    { name: 'New York, 01:30 happens twice on the autumn day: the first (EDT)', date: '2026-11-01', hhmm: '01:30', tz: NY, expected: '2026-11-01T05:30:00.000Z' },
    { name: 'Kathmandu, +05:45', date: '2026-06-01', hhmm: '09:30', tz: 'Asia/Kathmandu', expected: '2026-06-01T03:45:00.000Z' },
    { name: 'UTC', date: '2026-03-08', hhmm: '02:30', tz: 'UTC', expected: '2026-03-08T02:30:00.000Z' },
  ])('$name: $date $hhmm → $expected', ({ date, hhmm, tz, expected }) => {
    expect(zonedInstant(date, hhmm, tz).toISOString()).toBe(expected);
  });

  it.each([
    { date: '2026-1-1', hhmm: '09:30', problem: /YYYY-MM-DD/ },
    { date: '2026-02-30', hhmm: '09:30', problem: /calendar date/ },
    { date: '2026-01-01', hhmm: '9:30', problem: /HH:MM/ },
    { date: '2026-01-01', hhmm: '24:00', problem: /HH:MM/ },
  ])('refuses $date $hhmm', ({ date, hhmm, problem }) => {
    expect(() => zonedInstant(date, hhmm, 'UTC')).toThrow(problem);
  });
});

describe('local date and time of an instant', () => {
  it.each([
    { name: 'Shanghai, last instant of the local day', at: '2026-11-26T15:59:59.999Z', tz: SH, date: '2026-11-26', time: '23:59:59' },
    { name: 'Shanghai, local midnight reads 00, not 24', at: '2026-11-26T16:00:00.000Z', tz: SH, date: '2026-11-27', time: '00:00:00' },
    { name: 'Berlin, the last second before the spring gap', at: '2026-03-29T00:59:59.000Z', tz: BER, date: '2026-03-29', time: '01:59:59' },
    { name: 'Berlin, the spring gap: 01:59:59 is followed by 03:00', at: '2026-03-29T01:00:00.000Z', tz: BER, date: '2026-03-29', time: '03:00:00' },
    { name: 'Berlin, the first 02:30 of the autumn day (CEST)', at: '2026-10-25T00:30:00.000Z', tz: BER, date: '2026-10-25', time: '02:30:00' },
    { name: 'Berlin, the second 02:30 of the autumn day (CET)', at: '2026-10-25T01:30:00.000Z', tz: BER, date: '2026-10-25', time: '02:30:00' },
    { name: 'Berlin, summer midnight is 22:00 UTC the day before', at: '2026-07-14T22:00:00.000Z', tz: BER, date: '2026-07-15', time: '00:00:00' },
    { name: 'Berlin, winter midnight is 23:00 UTC the day before', at: '2026-12-04T23:00:00.000Z', tz: BER, date: '2026-12-05', time: '00:00:00' },
  ])('$name: $at → $date $time', ({ at, tz, date, time }) => {
    expect(localDateOf(new Date(at), tz)).toBe(date);
    expect(localTimeOf(new Date(at), tz, true)).toBe(time);
    expect(localTimeOf(Date.parse(at), tz)).toBe(time.slice(0, 5));
    expect(localDateTimeOf(Date.parse(at), tz, true)).toBe(`${date} ${time}`);
    expect(localDateTimeOf(Date.parse(at), tz)).toBe(`${date} ${time.slice(0, 5)}`);
  });

  it('gives the wall clock as numbers', () => {
    expect(wallClockOf(Date.parse('2026-12-04T10:05:09Z'), SH)).toEqual({ year: 2026, month: 12, day: 4, hour: 18, minute: 5, second: 9 });
  });

  it('asked again within one second (kept per zone), answers the same, and a caller changing its answer changes no later one', () => {
    const first = wallClockOf(Date.parse('2026-10-25T00:59:59.001Z'), BER);
    first.hour = 99;
    expect(wallClockOf(Date.parse('2026-10-25T00:59:59.999Z'), BER)).toEqual({ year: 2026, month: 10, day: 25, hour: 2, minute: 59, second: 59 });
    // The next second is the autumn change: 02:59:59 CEST is followed by 02:00:00 CET.
    expect(wallClockOf(Date.parse('2026-10-25T01:00:00.000Z'), BER)).toEqual({ year: 2026, month: 10, day: 25, hour: 2, minute: 0, second: 0 });
    expect(wallClockOf(Date.parse('2026-10-25T01:00:00.500Z'), SH)).toEqual({ year: 2026, month: 10, day: 25, hour: 9, minute: 0, second: 0 });
    expect(wallClockOf(Date.parse('1969-12-31T23:59:59.500Z'), SH)).toEqual({ year: 1970, month: 1, day: 1, hour: 7, minute: 59, second: 59 });
    expect(() => wallClockOf(Number.NaN, SH)).toThrow(RangeError);
  });
});

describe(zoneOffsetMs.name, () => {
  it.each([
    { at: '2026-12-04T10:00:00Z', tz: SH, hours: 8 },
    { at: '2026-03-29T00:59:59Z', tz: BER, hours: 1 }, // before the spring change
    { at: '2026-03-29T01:00:00Z', tz: BER, hours: 2 }, // the change itself
    { at: '2026-10-25T00:59:59Z', tz: BER, hours: 2 }, // before the autumn change
    { at: '2026-10-25T01:00:00Z', tz: BER, hours: 1 },
    { at: '2026-01-15T12:00:00Z', tz: NY, hours: -5 },
  ])('$tz at $at is UTC$hours h', ({ at, tz, hours }) => {
    expect(zoneOffsetMs(new Date(at), tz)).toBe(hours * 3600_000);
  });
});

describe(localDayBounds.name, () => {
  it.each([
    { name: 'Shanghai, every day', date: '2026-11-02', tz: SH, from: '2026-11-01T16:00:00.000Z', hours: 24 },
    { name: 'Berlin, an ordinary winter day', date: '2026-12-04', tz: BER, from: '2026-12-03T23:00:00.000Z', hours: 24 },
    { name: 'Berlin, the spring day loses an hour', date: '2026-03-29', tz: BER, from: '2026-03-28T23:00:00.000Z', hours: 23 },
    { name: 'Berlin, the day after begins at +2', date: '2026-03-30', tz: BER, from: '2026-03-29T22:00:00.000Z', hours: 24 },
    { name: 'Berlin, the autumn day gains an hour', date: '2026-10-25', tz: BER, from: '2026-10-24T22:00:00.000Z', hours: 25 },
    { name: 'New York, the autumn day begins in EDT', date: '2026-11-01', tz: NY, from: '2026-11-01T04:00:00.000Z', hours: 25 },
    { name: 'New York, the day after begins in EST', date: '2026-11-02', tz: NY, from: '2026-11-02T05:00:00.000Z', hours: 24 },
    { name: 'Santiago, midnight skipped: the day begins at 01:00 (-03)', date: '2026-09-06', tz: 'America/Santiago', from: '2026-09-06T04:00:00.000Z', hours: 23 },
  ])('$name: $date begins $from and lasts $hours h', ({ date, tz, from, hours }) => {
    const day = localDayBounds(date, tz);
    expect(day.from.toISOString()).toBe(from);
    expect(localDayStart(date, tz).toISOString()).toBe(from);
    expect((day.to.getTime() - day.from.getTime()) / 3600_000).toBe(hours);
  });
});

describe(rfc3339InZone.name, () => {
  it.each([
    { at: '2026-11-27T01:31:05.120Z', tz: SH, withMs: true, expected: '2026-11-27T09:31:05.120+08:00' },
    { at: '2026-11-27T16:00:00.000Z', tz: SH, withMs: false, expected: '2026-11-28T00:00:00+08:00' },
    { at: '2026-07-15T07:30:00.000Z', tz: BER, withMs: false, expected: '2026-07-15T09:30:00+02:00' },
    { at: '2026-10-25T01:30:00.000Z', tz: BER, withMs: false, expected: '2026-10-25T02:30:00+01:00' }, // the second 02:30
    { at: '2026-01-15T14:30:00.000Z', tz: NY, withMs: false, expected: '2026-01-15T09:30:00-05:00' },
    { at: '2026-06-01T03:45:00.000Z', tz: 'Asia/Kathmandu', withMs: false, expected: '2026-06-01T09:30:00+05:45' },
  ])('$at in $tz → $expected', ({ at, tz, withMs, expected }) => {
    expect(rfc3339InZone(Date.parse(at), tz, withMs)).toBe(expected);
    expect(Date.parse(expected)).toBe(Date.parse(at));
  });
});

describe('calendar dates', () => {
  it.each([
    { date: '2026-11-27', days: 1, expected: '2026-11-28' },
    { date: '2026-12-31', days: 1, expected: '2027-01-01' },
    { date: '2028-03-01', days: -1, expected: '2028-02-29' }, // leap year
    { date: '2026-03-28', days: 2, expected: '2026-03-30' }, // across Berlin's spring change: days, not 24 h
  ])('$date + $days → $expected', ({ date, days, expected }) => {
    expect(shiftDate(date, days)).toBe(expected);
  });

  it('numbers days from 1970-01-01', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('2026-03-30') - dayNumber('2026-03-28')).toBe(2);
  });

  it.each([
    { date: '2026-02-28', ok: true },
    { date: '2028-02-29', ok: true },
    { date: '2026-02-29', ok: false },
    { date: '2026-13-01', ok: false },
    { date: '2026-1-01', ok: false },
  ])('$date is a calendar date: $ok', ({ date, ok }) => {
    expect(isCalendarDate(date)).toBe(ok);
  });
});
