import { describe, expect, it } from 'vitest';
import { classifyTap } from './classify-tap';

// CONTRACT §3: planned 09:30 site-local (01:30Z), tolerance 15 min → window [09:15:00, 09:45:00].
const at = (hms: string) => new Date(`2026-11-27T${hms}+08:00`);

describe(classifyTap.name, () => {
  it.each([
    { tapped: '08:00:00', expected: 'early' },
    { tapped: '09:14:59', expected: 'early' }, // one second before the window
    { tapped: '09:15:00', expected: 'on_time' }, // window edge is inclusive
    { tapped: '09:30:00', expected: 'on_time' }, // the planned time itself
    { tapped: '09:45:00', expected: 'on_time' }, // closing edge is inclusive
    { tapped: '09:45:01', expected: 'late' },
    { tapped: '23:59:59', expected: 'late' },
  ])('$tapped → $expected', ({ tapped, expected }) => {
    expect(classifyTap(at('09:30:00'), 15, at(tapped))).toBe(expected);
  });

  it.each([
    { tapped: '09:29:59.999', expected: 'early' },
    { tapped: '09:30:00.000', expected: 'on_time' },
    { tapped: '09:30:00.001', expected: 'late' },
  ])('tolerance 0: only the planned instant is on time ($tapped → $expected)', ({ tapped, expected }) => {
    expect(classifyTap(at('09:30:00'), 0, at(tapped))).toBe(expected);
  });
});
