// The commit notice between servers: who committed, and which kind/stream pairs it stored.
import { describe, expect, it } from 'vitest';
import { committedNotice, readCommittedNotice } from './cluster.service';

describe('commit notices', () => {
  it.each([
    { name: 'pairs', node: 'estate-1', pairs: ['checkpoint/event', 'sensor/telemetry'] },
    { name: 'nothing stored (every message a repeat)', node: 'estate-2', pairs: [] },
  ])('$name: read back as sent', ({ node, pairs }) => {
    const notice = readCommittedNotice(committedNotice(node, pairs));
    expect(notice.node).toBe(node);
    expect([...(notice.pairs ?? ['undefined'])]).toEqual(pairs);
  });

  it('a notice naming the server only (a server of the version before) says nothing of kinds: read anyway', () => {
    expect(readCommittedNotice('estate-3')).toEqual({ node: 'estate-3' });
  });
});
