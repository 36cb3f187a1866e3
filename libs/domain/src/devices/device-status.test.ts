// CONTRACT §4 device.offline (last will or an offline status) and device.clock_skew (a status `ts` more than 120 s from receive time).
import { describe, expect, it } from 'vitest';
import { clockSkewMs, isClockSkewed, statusAlerts, statusAlertsHeld } from './device-status';

const received = new Date('2026-11-27T01:30:00.000Z');
const sentBefore = (ms: number) => new Date(received.getTime() - ms);

describe(clockSkewMs.name, () => {
  it.each([
    { name: 'a device clock behind', observed: sentBefore(300), expected: 300 },
    { name: 'a device clock ahead', observed: sentBefore(-5_000), expected: -5_000 },
    { name: 'no device time (last will)', observed: undefined, expected: undefined },
  ])('$name → $expected', ({ observed, expected }) => {
    expect(clockSkewMs(received, observed)).toBe(expected);
  });
});

describe(isClockSkewed.name, () => {
  it.each([
    { skewMs: 119_999, expected: false },
    { skewMs: 120_000, expected: false }, // exactly the limit is fine
    { skewMs: 120_001, expected: true },
    { skewMs: -120_000, expected: false },
    { skewMs: -120_001, expected: true }, // either way
    { skewMs: 0, expected: false },
  ])('$skewMs ms → $expected', ({ skewMs, expected }) => {
    expect(isClockSkewed(skewMs)).toBe(expected);
  });
});

describe(statusAlerts.name, () => {
  it.each([
    { name: 'online after online', status: { online: true, clockSkewMs: 300 }, before: { online: true, clockSkewMs: 200 }, offline: null, clockSkew: null },
    { name: 'the first online after offline clears', status: { online: true, clockSkewMs: 300 }, before: { online: false, clockSkewMs: 200 }, offline: 'clear', clockSkew: null },
    { name: 'an offline status raises', status: { online: false, clockSkewMs: 300 }, before: { online: true, clockSkewMs: 200 }, offline: 'raise', clockSkew: null },
    { name: 'each offline report counts (a repeat)', status: { online: false, clockSkewMs: 300 }, before: { online: false, clockSkewMs: 300 }, offline: 'raise', clockSkew: null },
    { name: 'a last will: offline, no skew known', status: { online: false }, before: { online: true, clockSkewMs: 600_000 }, offline: 'raise', clockSkew: null },
    { name: 'past the limit raises', status: { online: true, clockSkewMs: 120_001 }, before: { online: true, clockSkewMs: 200 }, offline: null, clockSkew: 'raise' },
    { name: 'still past it: a repeat', status: { online: true, clockSkewMs: -600_000 }, before: { online: true, clockSkewMs: 600_000 }, offline: null, clockSkew: 'raise' },
    { name: 'back within it clears', status: { online: true, clockSkewMs: 120_000 }, before: { online: true, clockSkewMs: 600_000 }, offline: null, clockSkew: 'clear' },
    { name: 'a first status within it', status: { online: true, clockSkewMs: 300 }, before: { online: false, clockSkewMs: null }, offline: 'clear', clockSkew: null },
    { name: 'a first status past it', status: { online: true, clockSkewMs: 600_000 }, before: { online: true, clockSkewMs: null }, offline: null, clockSkew: 'raise' },
  ] as const)('$name: offline $offline, clock skew $clockSkew', ({ status, before, offline, clockSkew }) => {
    expect(statusAlerts(status, before)).toEqual({ offline, clockSkew });
  });
});

describe(statusAlertsHeld.name, () => {
  it.each([
    { name: 'online, clock fine', stored: { online: true, clockSkewMs: 300 }, offline: false, clockSkew: false },
    { name: 'offline, clock past the limit', stored: { online: false, clockSkewMs: -120_001 }, offline: true, clockSkew: true },
    { name: 'never reported a time', stored: { online: false }, offline: true, clockSkew: null },
  ])('$name: offline open $offline, clock skew open $clockSkew', ({ stored, offline, clockSkew }) => {
    expect(statusAlertsHeld(stored)).toEqual({ offline, clockSkew });
  });
});
