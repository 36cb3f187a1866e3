// CONTRACT §4 device.offline: "no status for 3 × heartbeatSec", counted from when the server started watching.
import { describe, expect, it } from 'vitest';
import { silentBefore, silentFrom } from './silence';

const now = new Date('2026-11-27T01:30:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe(silentBefore.name, () => {
  it.each([
    { name: 'not watching since any moment: 3 heartbeats back', heartbeatSec: 60, watchingSince: null, expected: ago(180_000) },
    { name: 'the site heartbeat sets the span', heartbeatSec: 10, watchingSince: null, expected: ago(30_000) },
    { name: 'watching for longer than 3 heartbeats', heartbeatSec: 60, watchingSince: ago(180_001), expected: ago(180_000) },
    { name: 'watching for exactly 3 heartbeats: none silent yet', heartbeatSec: 60, watchingSince: ago(180_000), expected: null },
    { name: 'just restarted: none silent yet', heartbeatSec: 60, watchingSince: ago(5_000), expected: null },
  ])('$name', ({ heartbeatSec, watchingSince, expected }) => {
    expect(silentBefore(now, heartbeatSec, watchingSince)).toEqual(expected);
  });

});

describe(silentFrom.name, () => {
  const last = new Date('2026-11-27T01:00:00.000Z');
  it.each([
    { name: 'watched all along: 3 heartbeats and 1 ms after the last status', watchingSince: null, expected: 180_001 },
    { name: 'watching began after the last status: counted from then', watchingSince: new Date(last.getTime() + 50_000), expected: 230_001 },
    { name: 'watching began before it: the status counts', watchingSince: new Date(last.getTime() - 50_000), expected: 180_001 },
  ])('$name', ({ watchingSince, expected }) => {
    const due = silentFrom(last, 60, watchingSince);
    expect(due.getTime() - last.getTime()).toBe(expected);
    // The sweep's own rule agrees: silent at the instant, not 1 ms before it.
    const silentAt = (at: Date) => {
      const before = silentBefore(at, 60, watchingSince);
      return before !== null && last < before;
    };
    expect(silentAt(due)).toBe(true);
    expect(silentAt(new Date(due.getTime() - 1))).toBe(false);
  });
});
