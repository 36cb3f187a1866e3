import { describe, expect, it } from 'vitest';
import { resolveReportRange } from './report-range';

const SH = 'Asia/Shanghai';

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
    { why: 'a date that is no day (2026-02-30)', q: { from: '2026-02-30', to: '2026-03-05' }, message: /must be dates \(YYYY-MM-DD\)/ },
  ])('refuses $why, saying what to send', ({ q, message }) => {
    const r = resolveReportRange(q, now, SH);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
