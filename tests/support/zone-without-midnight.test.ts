// The patrol browser tests schedule rounds from the wall clock and need a site zone whose local
// date does not change during their span; CI failed at 16:48 UTC when neither zone then on the
// list fitted a span from before 16:00 to after 18:00 UTC.
import { describe, expect, it } from 'vitest';
import { localDateOf } from '@estate-watch/domain';
import { zoneWithoutMidnight } from './browser';

const MIN = 60_000;
const DAY0 = Date.UTC(2026, 11, 5);

describe('zoneWithoutMidnight', () => {
  // The spans the browser suites use: patrol and patrol-report from 20 minutes before their start
  // to two hours after it, guard from its start to two hours after.
  it.each([
    ['20 min before to 2 h after', -20, 120],
    ['start to 2 h after', 0, 120],
    ['the longest allowed, 2 h 59 min', 0, 179],
  ])('finds a zone without a midnight for every start minute of a day: %s', (_name, before, after) => {
    const without: string[] = [];
    for (let m = 0; m < 1440; m++) {
      const from = DAY0 + (m + before) * MIN;
      const to = DAY0 + (m + after) * MIN;
      const zone = zoneWithoutMidnight(from, to);
      if (!zone || localDateOf(from, zone) !== localDateOf(to, zone)) without.push(new Date(from).toISOString());
    }
    expect(without).toEqual([]);
  });

  it.each([
    ['quiet afternoon in Shanghai', Date.UTC(2026, 11, 5, 6, 0), 'Asia/Shanghai'],
    ['Shanghai midnight inside, Ürümqi not', Date.UTC(2026, 11, 5, 15, 30), 'Asia/Urumqi'],
    ['both inside (16:08 UTC, CI at 16:48)', Date.UTC(2026, 11, 5, 16, 8), 'Asia/Tokyo'],
  ])('%s', (_name, start, zone) => {
    expect(zoneWithoutMidnight(start - 20 * MIN, start + 120 * MIN)).toBe(zone);
  });

  it('refuses a span of three hours or more, which no zone on its list can promise', () => {
    expect(() => zoneWithoutMidnight(DAY0, DAY0 + 180 * MIN)).toThrow(/under three hours/);
  });
});
