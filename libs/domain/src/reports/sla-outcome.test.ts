import { describe, expect, it } from 'vitest';
import { doneAt, slaOutcome, type SlaTimes } from './sla-outcome';

// Minutes after creation at 09:00; deadlines: accept by 09:10, resolve by 10:00.
const at = (min: number) => new Date(Date.UTC(2026, 10, 2, 1, min));
const order = (o: { accepted?: number; resolved?: number; verified?: number; closed?: number }): SlaTimes => ({
  acceptBy: at(10),
  resolveBy: at(60),
  acceptedAt: o.accepted === undefined ? null : at(o.accepted),
  resolvedAt: o.resolved === undefined ? null : at(o.resolved),
  verifiedAt: o.verified === undefined ? null : at(o.verified),
  closedAt: o.closed === undefined ? null : at(o.closed),
});

describe(slaOutcome.name, () => {
  it.each([
    { why: 'accepted and resolved in time', o: { accepted: 4, resolved: 30 }, now: 200, expected: 'met' },
    { why: 'both deadlines are inclusive', o: { accepted: 10, resolved: 60 }, now: 200, expected: 'met' },
    { why: 'accepted a minute late, resolved in time', o: { accepted: 11, resolved: 30 }, now: 200, expected: 'missed' },
    { why: 'accepted in time, resolved late', o: { accepted: 5, resolved: 61 }, now: 200, expected: 'missed' },
    { why: 'accepted late, not yet resolved: already missed', o: { accepted: 12 }, now: 20, expected: 'missed' },
    { why: 'accepted in time, working, resolve deadline ahead', o: { accepted: 5 }, now: 30, expected: 'pending' },
    { why: 'accepted in time, resolve deadline passed unresolved', o: { accepted: 5 }, now: 61, expected: 'missed' },
    { why: 'new, accept deadline ahead', o: {}, now: 9, expected: 'pending' },
    { why: 'new, exactly at the accept deadline: not yet missed', o: {}, now: 10, expected: 'pending' },
    { why: 'new, accept deadline passed', o: {}, now: 11, expected: 'missed' },
    { why: 'verified by a device without acceptance, in time: apart', o: { verified: 8 }, now: 200, expected: 'auto_closed' },
    { why: 'verified by a device after the accept deadline: apart', o: { verified: 20 }, now: 200, expected: 'auto_closed' },
    { why: 'closed without acceptance or resolution: apart', o: { closed: 30 }, now: 200, expected: 'auto_closed' },
    { why: 'resolved with no accept step is a person\'s work: judged, accepted when resolved', o: { resolved: 8 }, now: 200, expected: 'met' },
    { why: 'accepted, then verified by a device: judged', o: { accepted: 5, verified: 30 }, now: 200, expected: 'met' },
    { why: 'closed without resolve or verify, in time', o: { accepted: 2, closed: 40 }, now: 200, expected: 'met' },
    { why: 'resolution time wins over a later verification', o: { accepted: 2, resolved: 50, verified: 90 }, now: 200, expected: 'met' },
  ] as const)('$why → $expected', ({ o, now, expected }) => {
    expect(slaOutcome(order(o), at(now))).toBe(expected);
  });
});

describe(doneAt.name, () => {
  it.each([
    { o: {}, expected: null },
    { o: { resolved: 30, verified: 40, closed: 50 }, expected: 30 },
    { o: { verified: 40, closed: 50 }, expected: 40 },
    { o: { closed: 50 }, expected: 50 },
  ])('$o → $expected', ({ o, expected }) => {
    expect(doneAt(order(o))).toEqual(expected === null ? null : at(expected));
  });
});
