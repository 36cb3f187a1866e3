import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time';

describe(isoTime.name, () => {
  it.each([
    '2026-12-05T10:00:00.000Z',
    '2026-12-05T10:00:00.001Z',
    '2026-12-05T10:00:00.010Z',
    '2026-12-05T10:00:00.099Z',
    '2026-12-05T10:00:00.100Z',
    '2026-12-05T10:00:00.999Z',
    '2026-12-05T10:00:01.000Z', // the next second: a new prefix
    '2026-12-31T23:59:59.999Z',
    '2027-01-01T00:00:00.000Z',
    '2028-02-29T12:34:56.789Z',
    '1970-01-01T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z', // before the epoch: the second rounds down, not toward zero
    '1969-12-31T23:59:59.001Z',
    '0000-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
  ])('%s as toISOString writes it', (text) => {
    const date = new Date(text);
    expect(isoTime(date)).toBe(date.toISOString());
  });

  it('six-digit years as toISOString writes them', () => {
    for (const ms of [Date.parse('9999-12-31T23:59:59.999Z') + 1, Date.parse('0000-01-01T00:00:00.000Z') - 1, 8.64e15, -8.64e15]) {
      expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
    }
  });

  it('an invalid Date throws as toISOString does', () => {
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('many seconds in turn, and back again, each as toISOString writes it (the table is reused)', () => {
    const start = Date.parse('2026-12-05T10:00:00.000Z');
    for (let i = 0; i < 5_000; i++) {
      const ms = start + ((i * 7919) % 40_000) - 20_000;
      expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
    }
  });
});
