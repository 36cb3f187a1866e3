import { describe, expect, it } from 'vitest';
import { rfc3339Problem } from './rfc3339';

// CONTRACT §1 — `ts` is a real RFC 3339 time (RFC 3339 §5.6, §5.7).
describe(rfc3339Problem.name, () => {
  it.each([
    { ts: '2026-11-27T09:31:05.120+08:00', problem: undefined },
    { ts: '2026-11-27t01:31:05z', problem: undefined }, // §5.6 NOTE: t and z may be lower case
    { ts: '2028-02-29T00:00:00Z', problem: undefined }, // leap year
    { ts: '2000-02-29T00:00:00Z', problem: undefined }, // divisible by 400: leap
    { ts: '2026-12-31T23:59:59.999999999-00:00', problem: undefined },
    { ts: '2026-11-27T09:31:05+23:59', problem: undefined }, // largest offset
    { ts: '2026-02-30T00:00:00Z', problem: 'day 30 does not exist in 2026-02' },
    { ts: '2026-02-29T00:00:00Z', problem: 'day 29 does not exist in 2026-02' },
    { ts: '1900-02-29T00:00:00Z', problem: 'day 29 does not exist in 1900-02' }, // divisible by 100: common
    { ts: '2026-04-31T00:00:00Z', problem: 'day 31 does not exist in 2026-04' },
    { ts: '2026-01-00T00:00:00Z', problem: 'day 00 does not exist in 2026-01' },
    { ts: '2026-00-10T00:00:00Z', problem: 'month 00 does not exist' },
    { ts: '2026-13-10T00:00:00Z', problem: 'month 13 does not exist' },
    { ts: '2026-11-27T24:00:00Z', problem: 'hour 24 does not exist (00–23)' },
    { ts: '2026-11-27T09:60:00Z', problem: 'minute 60 does not exist (00–59)' },
    { ts: '2026-12-31T23:59:60Z', problem: 'second 60 is not accepted (00–59; leap seconds are not)' },
    { ts: '2026-11-27T09:31:05+24:00', problem: 'offset +24:00 does not exist (±00:00–23:59)' },
    { ts: '2026-11-27T09:31:05+08:60', problem: 'offset +08:60 does not exist (±00:00–23:59)' },
  ])('$ts → $problem', ({ ts, problem }) => {
    expect(rfc3339Problem(ts)).toBe(problem);
  });

  it.each(['2026-11-27T09:31:05', '2026-11-27 09:31:05Z', '2026-11-27T09:31Z', '20261127T093105Z', '2026-11-27T09:31:05.Z', '2026-11-27T09:31:05+0800'])(
    '%s is not RFC 3339 at all',
    (ts) => expect(rfc3339Problem(ts)).toMatch(/^RFC 3339 time with offset or Z/),
  );
});
