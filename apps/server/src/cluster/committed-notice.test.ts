// The commit notice between servers: who committed, the kind/stream pairs it stored, its alarms.
import { describe, expect, it } from 'vitest';
import type { UrgentStored } from '../ingest/message-dispatcher';
import { committedNotice, readCommittedNotice } from './cluster.service';

const leak = (seq: number): UrgentStored => ({ siteId: 'sunrise-gardens', deviceId: 'leak-b2', kind: 'sensor', stream: 'event', seq });

describe('commit notices', () => {
  it.each([
    { name: 'pairs and an alarm', node: 'estate-1', pairs: ['checkpoint/event', 'sensor/event'], alarms: [leak(41)] },
    { name: 'nothing stored (every message a repeat)', node: 'estate-2', pairs: [], alarms: [] },
  ])('$name: read back as sent', ({ node, pairs, alarms }) => {
    const notice = readCommittedNotice(committedNotice(node, { pairs: new Set(pairs), alarms }));
    expect(notice.node).toBe(node);
    expect([...(notice.commit?.pairs ?? ['none'])]).toEqual(pairs);
    expect(notice.commit?.alarms).toEqual(alarms);
  });

  it('carries at most 40 alarms, under the 8,000 bytes of a NOTIFY; the rest wait for the reader', () => {
    const payload = committedNotice('estate-1', { pairs: new Set(['sensor/event']), alarms: Array.from({ length: 100 }, (_, i) => leak(1_000_000_000 + i)) });
    expect(readCommittedNotice(payload).commit?.alarms).toHaveLength(40);
    expect(Buffer.byteLength(payload)).toBeLessThan(8000);
  });

  it('with ids long enough to pass 8,000 bytes, carries fewer alarms (none at worst), never a payload PostgreSQL refuses', () => {
    const long = (seq: number): UrgentStored => ({ ...leak(seq), siteId: 's'.repeat(100), deviceId: 'd'.repeat(100) });
    const payload = committedNotice('estate-1', { pairs: new Set(['sensor/event']), alarms: Array.from({ length: 40 }, (_, i) => long(i)) });
    expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(readCommittedNotice(payload).commit?.alarms.length).toBeGreaterThan(0);
  });

  it('an alarm entry that is not one (no seq, no device) is left out, the rest kept', () => {
    const payload = JSON.stringify({ node: 'estate-1', pairs: ['sensor/event'], alarms: [leak(7), { siteId: 'x', seq: 8 }, null, { ...leak(9), seq: 'nine' }] });
    expect(readCommittedNotice(payload).commit?.alarms).toEqual([leak(7)]);
  });

  it('a notice naming the server only (a server of the version before) says nothing of what it stored: read anyway', () => {
    expect(readCommittedNotice('estate-3')).toEqual({ node: 'estate-3' });
  });
});
