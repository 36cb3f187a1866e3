import { describe, expect, it } from 'vitest';
import { workOrderNumber } from './work-order-number';

describe(workOrderNumber.name, () => {
  it.each([
    { at: '2026-11-27T01:30:00Z', tz: 'Asia/Shanghai', seq: 7, expected: 'WO-20261127-0007' },
    { at: '2026-11-27T15:59:59Z', tz: 'Asia/Shanghai', seq: 8, expected: 'WO-20261127-0008' }, // 23:59:59 local
    { at: '2026-11-27T16:00:00Z', tz: 'Asia/Shanghai', seq: 9, expected: 'WO-20261128-0009' }, // local midnight: next day
    { at: '2026-11-27T16:00:00Z', tz: 'Europe/London', seq: 12345, expected: 'WO-20261127-12345' },
  ])('$at in $tz, #$seq → $expected', ({ at, tz, seq, expected }) => {
    expect(workOrderNumber(new Date(at), tz, seq)).toBe(expected);
  });
});
