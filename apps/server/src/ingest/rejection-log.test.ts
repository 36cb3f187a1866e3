import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { RateLimitedLog } from './rejection-log';

describe(RateLimitedLog.name, () => {
  it('writes the first lines of a window, then one line counting the rest when the next window opens', () => {
    const clock = new ManualClock('2026-11-27T09:00:00Z');
    const lines: string[] = [];
    const log = new RateLimitedLog((l) => lines.push(l), clock, 3, 60_000);
    for (let i = 1; i <= 1000; i++) log.log(`rejected ${i}`);
    expect(lines).toEqual(['rejected 1', 'rejected 2', 'rejected 3']);
    clock.advance(59_999);
    log.log('still the same window');
    expect(lines).toHaveLength(3);
    clock.advance(1);
    log.log('next window');
    expect(lines.slice(3)).toEqual(['998 more rejected messages were not logged in the last 60 s', 'next window']);
  });
});
