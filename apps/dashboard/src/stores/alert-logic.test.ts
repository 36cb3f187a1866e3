import { describe, expect, it } from 'vitest';
import type { AlertDto } from '@estate-watch/contracts';
import { compareAlerts, isLoudRaise, isOpen, matchesFilter, openCriticalCount, staleIds, subjectName, upsertBounded, visibleAlerts } from './alert-logic';

const alert = (over: Partial<AlertDto> = {}): AlertDto => ({
  id: 'a1',
  type: 'device.offline',
  severity: 'major',
  status: 'active',
  siteId: 'lakeside',
  timezone: 'Asia/Shanghai',
  subject: 'gate-north-in',
  message: 'offline',
  count: 1,
  raisedAt: '2026-11-27T09:00:00Z',
  lastSeenAt: '2026-11-27T09:00:00Z',
  ...over,
});

describe(isOpen.name, () => {
  // CONTRACT §4: cleared before anyone acknowledged it → the control room still sees it.
  it.each([
    { status: 'active', acknowledgedAt: undefined, open: true },
    { status: 'acknowledged', acknowledgedAt: '2026-11-27T09:01:00Z', open: true },
    { status: 'cleared', acknowledgedAt: undefined, open: true },
    { status: 'cleared', acknowledgedAt: '2026-11-27T09:01:00Z', open: false },
  ] as const)('$status, acknowledgedAt=$acknowledgedAt → open=$open', ({ status, acknowledgedAt, open }) => {
    expect(isOpen(alert({ status, acknowledgedAt }))).toBe(open);
  });
});

describe('alert ordering', () => {
  it('puts the most severe first, then the most recently raised', () => {
    const list = [
      alert({ id: 'info-new', severity: 'info', raisedAt: '2026-11-27T10:00:00Z' }),
      alert({ id: 'major-old', severity: 'major', raisedAt: '2026-11-27T08:00:00Z' }),
      alert({ id: 'critical', severity: 'critical', raisedAt: '2026-11-27T07:00:00Z' }),
      alert({ id: 'major-new', severity: 'major', raisedAt: '2026-11-27T09:00:00Z' }),
    ].sort(compareAlerts);
    expect(list.map((a) => a.id)).toEqual(['critical', 'major-new', 'major-old', 'info-new']);
  });

  it('filters by status scope and type before sorting', () => {
    const list = [
      alert({ id: 'closed', status: 'cleared', acknowledgedAt: '2026-11-27T09:01:00Z' }),
      alert({ id: 'skew', type: 'device.clock_skew', severity: 'info' }),
      alert({ id: 'offline' }),
    ];
    expect(visibleAlerts(list, { status: 'open', type: 'all' }).map((a) => a.id)).toEqual(['offline', 'skew']);
    expect(visibleAlerts(list, { status: 'open', type: 'device.clock_skew' }).map((a) => a.id)).toEqual(['skew']);
    expect(visibleAlerts(list, { status: 'cleared', type: 'all' }).map((a) => a.id)).toEqual(['closed']);
    expect(matchesFilter(list[0], { status: 'all', type: 'all' })).toBe(true);
  });
});

describe(openCriticalCount.name, () => {
  it('counts open critical alerts only', () => {
    const list = [
      alert({ id: '1', severity: 'critical' }),
      alert({ id: '2', severity: 'critical', status: 'acknowledged', acknowledgedAt: '2026-11-27T09:01:00Z' }),
      alert({ id: '3', severity: 'critical', status: 'cleared', acknowledgedAt: '2026-11-27T09:01:00Z' }),
      alert({ id: '4', severity: 'major' }),
    ];
    expect(openCriticalCount(list)).toBe(2);
  });
});

describe(isLoudRaise.name, () => {
  it.each([
    { case: 'new major alert', previous: undefined, next: alert(), loud: true },
    { case: 'new critical alert', previous: undefined, next: alert({ severity: 'critical' }), loud: true },
    { case: 'new minor alert', previous: undefined, next: alert({ severity: 'minor' }), loud: false },
    { case: 'repeat (count update)', previous: alert(), next: alert({ count: 2 }), loud: false },
    { case: 'acknowledged', previous: alert(), next: alert({ status: 'acknowledged' }), loud: false },
    { case: 'raised again after clearing', previous: alert({ status: 'cleared' }), next: alert(), loud: true },
    { case: 'first seen already acknowledged', previous: undefined, next: alert({ status: 'acknowledged' }), loud: false },
    { case: 'an alarm told ahead, withdrawn', previous: alert(), next: alert({ withdrawn: true }), loud: false },
  ])('$case → $loud', ({ previous, next, loud }) => {
    expect(isLoudRaise(previous, next)).toBe(loud);
  });
});

describe(upsertBounded.name, () => {
  it('replaces an alert with the same id instead of adding it', () => {
    const buffer = new Map<string, AlertDto>();
    upsertBounded(buffer, alert({ count: 1 }), 10);
    upsertBounded(buffer, alert({ count: 5 }), 10);
    expect(buffer.size).toBe(1);
    expect(buffer.get('a1')?.count).toBe(5);
  });

  it('an alarm told ahead of its commit and then withdrawn (issue 9.4) leaves the buffer; the confirmed one replaces it', () => {
    const buffer = new Map<string, AlertDto>();
    upsertBounded(buffer, alert({ id: 'told' }), 10);
    upsertBounded(buffer, alert({ id: 'kept' }), 10);
    upsertBounded(buffer, alert({ id: 'kept', workOrderId: 'wo-1' }), 10);
    upsertBounded(buffer, alert({ id: 'told', withdrawn: true }), 10);
    expect([...buffer.keys()]).toEqual(['kept']);
    expect(buffer.get('kept')?.workOrderId).toBe('wo-1');
  });

  it('evicts closed alerts before open ones, oldest first', () => {
    const buffer = new Map<string, AlertDto>();
    const closed = { status: 'cleared', acknowledgedAt: '2026-11-27T09:01:00Z' } as const;
    upsertBounded(buffer, alert({ id: 'open-oldest', lastSeenAt: '2026-11-27T01:00:00Z' }), 3);
    upsertBounded(buffer, alert({ id: 'closed-old', ...closed, lastSeenAt: '2026-11-27T02:00:00Z' }), 3);
    upsertBounded(buffer, alert({ id: 'closed-new', ...closed, lastSeenAt: '2026-11-27T03:00:00Z' }), 3);
    const evicted = upsertBounded(buffer, alert({ id: 'open-new', lastSeenAt: '2026-11-27T04:00:00Z' }), 3);
    expect(evicted).toEqual(['closed-old']);
    upsertBounded(buffer, alert({ id: 'open-3', lastSeenAt: '2026-11-27T05:00:00Z' }), 3);
    const evicted2 = upsertBounded(buffer, alert({ id: 'open-4', lastSeenAt: '2026-11-27T06:00:00Z' }), 3);
    expect(evicted2).toEqual(['open-oldest']);
    expect([...buffer.keys()].sort()).toEqual(['open-3', 'open-4', 'open-new']);
  });
});

describe(staleIds.name, () => {
  it('names alerts of the refetched scope that the server no longer returns', () => {
    const buffer = new Map<string, AlertDto>([
      ['gone', alert({ id: 'gone' })],
      ['kept', alert({ id: 'kept' })],
      ['closed', alert({ id: 'closed', status: 'cleared', acknowledgedAt: '2026-11-27T09:01:00Z' })],
    ]);
    expect(staleIds(buffer, [alert({ id: 'kept' })], { status: 'open', type: 'all' })).toEqual(['gone']);
  });
});

describe('subject names', () => {
  const names = new Map([
    ['gate-1', '北门入口'],
    ['cp-show-flat', '样板间入口'],
    ['boiler-1', '1号锅炉'],
  ]);

  it.each([
    { subject: 'gate-1', name: '北门入口', why: 'a device' },
    { subject: 'lakeside:day-perimeter:2026-11-27:0930/cp-show-flat', name: '样板间入口', why: 'a patrol alert names the checkpoint' },
    { subject: 'boiler-1:temperature_c', name: '1号锅炉', why: 'a sensor limit names the sensor (its title names the metric in words)' },
    { subject: 'lakeside:day-perimeter:2026-11-27:0930/cp-gone', name: undefined, why: 'an unknown checkpoint: the raw subject is shown' },
    { subject: 'lot-1', name: undefined, why: 'not a device' },
  ])('$why', ({ subject, name }) => {
    expect(subjectName(subject, names)).toBe(name);
  });
});
