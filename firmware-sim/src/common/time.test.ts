import { describe, expect, it } from 'vitest';
import { formatTs, offsetOf } from './time';

describe(formatTs.name, () => {
  it.each([
    { utc: '2026-11-27T01:31:05.120Z', zone: 'Asia/Shanghai', expected: '2026-11-27T09:31:05.120+08:00' },
    { utc: '2026-11-27T16:00:00.000Z', zone: 'Asia/Shanghai', expected: '2026-11-28T00:00:00.000+08:00' }, // local midnight
    { utc: '2026-07-01T12:00:00.000Z', zone: 'Europe/London', expected: '2026-07-01T13:00:00.000+01:00' }, // summer time
    { utc: '2026-01-15T12:00:00.000Z', zone: 'America/St_Johns', expected: '2026-01-15T08:30:00.000-03:30' }, // half-hour offset
    { utc: '2026-11-27T01:31:05.999Z', zone: 'UTC', expected: '2026-11-27T01:31:05.999+00:00' },
  ])('$utc in $zone → $expected', ({ utc, zone, expected }) => {
    expect(formatTs(Date.parse(utc), zone)).toBe(expected);
    expect(Date.parse(expected)).toBe(Date.parse(utc));
  });
});

describe(offsetOf.name, () => {
  it.each([
    { ts: '2026-11-27T09:31:05.120+08:00', expected: 480 },
    { ts: '2026-11-27T09:31:05Z', expected: 0 },
    { ts: '2026-01-15T08:30:00-03:30', expected: -210 },
    { ts: '2026-11-27 09:31', expected: undefined },
  ])('$ts → $expected', ({ ts, expected }) => {
    expect(offsetOf(ts)).toBe(expected);
  });
});
