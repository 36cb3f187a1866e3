import { describe, expect, it } from 'vitest';
import { durationParts, relativeTime } from './time';

const now = Date.parse('2026-11-27T09:00:00Z');

describe(relativeTime.name, () => {
  it.each([
    { iso: '2026-11-27T08:59:55Z', en: 'now' },
    { iso: '2026-11-27T08:59:00Z', en: '1 minute ago' },
    { iso: '2026-11-27T08:57:30Z', en: '2 minutes ago' },
    { iso: '2026-11-27T06:00:00Z', en: '3 hours ago' },
    { iso: '2026-11-25T09:00:00Z', en: '2 days ago' },
  ])('$iso → $en', ({ iso, en }) => {
    expect(relativeTime(iso, now, 'en')).toBe(en);
  });

  it('speaks Chinese and shows a dash for missing times', () => {
    expect(relativeTime('2026-11-27T08:57:00Z', now, 'zh-CN')).toBe('3分钟前');
    expect(relativeTime(undefined, now, 'zh-CN')).toBe('—');
  });
});

describe(durationParts.name, () => {
  it('splits elapsed milliseconds into hours, minutes and seconds', () => {
    expect(durationParts(3_723_999)).toEqual({ h: 1, m: 2, s: 3 });
    expect(durationParts(-5)).toEqual({ h: 0, m: 0, s: 0 });
  });
});
