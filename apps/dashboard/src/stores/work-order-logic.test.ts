import { describe, expect, it } from 'vitest';
import type { WorkOrderDto } from '@estate-watch/contracts';
import {
  actionsFor,
  BOARD_COLUMNS,
  boardColumns,
  columnOf,
  countdownParts,
  isNewEscalation,
  slaClock,
  startOfDay,
  staleOpenIds,
  upsertOrder,
  verifyNeedsNote,
} from './work-order-logic';

const T0 = Date.parse('2026-11-27T09:00:00Z');
const SH = 'Asia/Shanghai';
const min = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

const order = (over: Partial<WorkOrderDto> = {}): WorkOrderDto => ({
  id: 'w1',
  number: 'WO-20261127-0001',
  siteId: 'lakeside',
  timezone: SH,
  source: 'complaint',
  status: 'new',
  department: 'service',
  priority: 'normal',
  title: '楼道灯不亮',
  description: '3 号楼 1 单元 5 楼楼道灯不亮',
  escalated: false,
  acceptBy: iso(T0 + 10 * min),
  resolveBy: iso(T0 + 100 * min),
  createdAt: iso(T0),
  createdBy: 'operator',
  callbackOverdue: false,
  alertIds: [],
  allowedActions: ['dispatch', 'comment'],
  timeline: [],
  ...over,
});

describe('board columns', () => {
  it('are every status, reopened next to new, finished ones last, verified split by how (issue 12.5)', () => {
    expect(BOARD_COLUMNS).toEqual(['new', 'reopened', 'dispatched', 'accepted', 'in_progress', 'resolved', 'called_back', 'device_verified', 'closed']);
  });

  // Issue 12.5: called back by a person (已回访) and verified by its device (设备确认) are two columns.
  const today = startOfDay(T0, SH) + 10 * 60 * min;
  it.each([
    { name: 'an open order: its status', over: { status: 'dispatched' }, column: 'dispatched' },
    { name: 'resolved, waiting for its callback', over: { status: 'resolved', resolvedAt: iso(today) }, column: 'resolved' },
    { name: 'verified by a callback', over: { status: 'verified', verifiedBy: 'callback', verifiedAt: iso(today) }, column: 'called_back' },
    { name: 'verified by its device', over: { status: 'verified', verifiedBy: 'device', verifiedAt: iso(today) }, column: 'device_verified' },
    { name: 'verified, and a server that does not say how: called back, as before', over: { status: 'verified', verifiedAt: iso(today) }, column: 'called_back' },
    { name: 'verified by its device, then closed: closed', over: { status: 'closed', verifiedBy: 'device', verifiedAt: iso(today), closedAt: iso(today) }, column: 'closed' },
    { name: 'reopened after its device verified it', over: { status: 'reopened' }, column: 'reopened' },
  ] as const)('$name → $column', ({ over, column }) => {
    const columns = boardColumns([order({ id: 'x', ...over })], { department: 'all', source: 'all' }, today + min);
    expect(columns.filter((c) => c.orders.length > 0).map((c) => c.id)).toEqual([column]);
    expect(columnOf(order(over))).toBe(column);
  });

  it('say which are finished and what each verified column holds', () => {
    const columns = boardColumns([], { department: 'all', source: 'all' }, T0);
    expect(columns.filter((c) => c.done).map((c) => [c.id, c.status, c.verifiedBy])).toEqual([
      ['called_back', 'verified', 'callback'],
      ['device_verified', 'verified', 'device'],
      ['closed', 'closed', undefined],
    ]);
  });

  it('a live update moves an order between the verified columns and out of them', () => {
    const buffer = new Map<string, WorkOrderDto>();
    const where = () => boardColumns(buffer.values(), { department: 'all', source: 'all' }, today + min).find((c) => c.orders.length > 0)?.id;
    upsertOrder(buffer, order({ id: 'x', source: 'alert', status: 'dispatched' }), 10);
    expect(where()).toBe('dispatched');
    upsertOrder(buffer, order({ id: 'x', source: 'alert', status: 'verified', verifiedBy: 'device', verifiedAt: iso(today) }), 10);
    expect(where()).toBe('device_verified');
    upsertOrder(buffer, order({ id: 'x', source: 'alert', status: 'reopened' }), 10);
    expect(where()).toBe('reopened');
    upsertOrder(buffer, order({ id: 'x', source: 'alert', status: 'verified', verifiedBy: 'callback', verifiedAt: iso(today) }), 10);
    expect(where()).toBe('called_back');
  });

  it('group orders by status and apply the department and source filters', () => {
    const list = [
      order({ id: 'a', status: 'new' }),
      order({ id: 'b', status: 'dispatched', department: 'engineering' }),
      order({ id: 'c', status: 'dispatched', source: 'alert', department: 'engineering' }),
    ];
    const all = boardColumns(list, { department: 'all', source: 'all' }, T0);
    expect(all.find((c) => c.status === 'dispatched')?.orders.map((o) => o.id)).toEqual(['b', 'c']);
    const eng = boardColumns(list, { department: 'engineering', source: 'alert' }, T0);
    expect(eng.flatMap((c) => c.orders.map((o) => o.id))).toEqual(['c']);
    expect(eng).toHaveLength(BOARD_COLUMNS.length); // empty columns stay in place
    const hot = boardColumns([...list, order({ id: 'd', escalated: true })], { department: 'all', source: 'all', escalatedOnly: true }, T0);
    expect(hot.flatMap((c) => c.orders.map((o) => o.id))).toEqual(['d']);
  });

  it('keep finished orders of today only, most recently finished first', () => {
    const noon = startOfDay(T0, SH) + 12 * 60 * min; // the site's noon, whatever zone runs the test
    const list = [
      order({ id: 'yesterday', status: 'closed', closedAt: iso(startOfDay(T0, SH) - 1000) }),
      order({ id: 'earlier', status: 'closed', closedAt: iso(noon - 60 * min) }),
      order({ id: 'later', status: 'closed', closedAt: iso(noon - 10 * min) }),
      order({ id: 'site-early', status: 'closed', closedAt: '2026-11-26T20:00:00.000Z' }), // 04:00 in Shanghai, still "yesterday" in UTC
    ];
    const closed = boardColumns(list, { department: 'all', source: 'all' }, noon).find((c) => c.status === 'closed')!;
    expect(closed.orders.map((o) => o.id)).toEqual(['later', 'earlier', 'site-early']);
  });

  it("keep each order's own site's today, in the zone the order carries (issue 10 point 2)", () => {
    // 2026-11-27 03:00 UTC: 11:00 on the 27th in Shanghai, 22:00 on the 26th in New York.
    const now = Date.parse('2026-11-27T03:00:00Z');
    const harbour = { siteId: 'harbour', timezone: 'America/New_York', status: 'closed' } as const;
    const list = [
      order({ id: 'shanghai-today', status: 'closed', closedAt: '2026-11-26T20:00:00.000Z' }), // 04:00 on the 27th there
      order({ id: 'shanghai-yesterday', status: 'closed', closedAt: '2026-11-26T12:00:00.000Z' }), // 20:00 on the 26th there
      order({ id: 'new-york-today', ...harbour, closedAt: '2026-11-26T12:00:00.000Z' }), // 07:00 on the 26th there
      order({ id: 'new-york-yesterday', ...harbour, closedAt: '2026-11-26T04:00:00.000Z' }), // 23:00 on the 25th there
    ];
    const closed = boardColumns(list, { department: 'all', source: 'all' }, now).find((c) => c.status === 'closed')!;
    expect(closed.orders.map((o) => o.id).sort()).toEqual(['new-york-today', 'shanghai-today']);
  });

  it('put escalated orders first, then the clock nearest to running out, then priority', () => {
    const list = [
      order({ id: 'calm', acceptBy: iso(T0 + 9 * min) }),
      order({ id: 'urgent-calm', priority: 'urgent', acceptBy: iso(T0 + 9 * min) }),
      order({ id: 'amber', createdAt: iso(T0 - 8 * min), acceptBy: iso(T0 + 2 * min) }), // 20 % left
      order({ id: 'escalated', escalated: true, acceptBy: iso(T0 + 9 * min) }),
    ];
    const col = boardColumns(list, { department: 'all', source: 'all' }, T0).find((c) => c.status === 'new')!;
    expect(col.orders.map((o) => o.id)).toEqual(['escalated', 'amber', 'urgent-calm', 'calm']);
  });
});

describe(slaClock.name, () => {
  // Accept deadline T0+10 min, resolve T0+100 min, both counted from creation at T0.
  it.each([
    { status: 'new', at: 0, kind: 'accept', level: 'ok' },
    { status: 'dispatched', at: 7.5, kind: 'accept', level: 'ok' }, // exactly 25 % left
    { status: 'dispatched', at: 7.6, kind: 'accept', level: 'amber' },
    { status: 'reopened', at: 10, kind: 'accept', level: 'amber' }, // at the deadline: still in time
    { status: 'new', at: 10.1, kind: 'accept', level: 'red' },
    { status: 'accepted', at: 20, kind: 'resolve', level: 'ok' },
    { status: 'in_progress', at: 80, kind: 'resolve', level: 'amber' },
    { status: 'in_progress', at: 101, kind: 'resolve', level: 'red' },
  ] as const)('$status at +$at min → $kind $level', ({ status, at, kind, level }) => {
    expect(slaClock(order({ status }), T0 + at * min)).toMatchObject({ kind, level });
  });

  it('counts the callback of a resolved complaint from its resolution', () => {
    const resolved = order({ status: 'resolved', resolvedAt: iso(T0), callbackDueAt: iso(T0 + 72 * 60 * min) });
    expect(slaClock(resolved, T0 + 60 * min)).toMatchObject({ kind: 'callback', level: 'ok' });
    expect(slaClock(resolved, T0 + 60 * 60 * min)).toMatchObject({ kind: 'callback', level: 'amber' });
    expect(slaClock(resolved, T0 + 73 * 60 * min)).toMatchObject({ kind: 'callback', level: 'red' });
  });

  it('has no clock for finished orders nor for resolved device orders', () => {
    expect(slaClock(order({ status: 'closed' }), T0)).toBeNull();
    expect(slaClock(order({ status: 'verified' }), T0)).toBeNull();
    expect(slaClock(order({ status: 'resolved', source: 'alert' }), T0)).toBeNull();
  });
});

describe(countdownParts.name, () => {
  it.each([
    { ms: 65_000, clock: '1:05' },
    { ms: -65_000, clock: '1:05' },
    { ms: 3_600_000 + 2 * min + 3000, clock: '1:02:03' },
    { ms: 26 * 3_600_000, clock: '26:00:00', d: 1, h: 2 },
  ])('$ms ms → $clock', ({ ms, clock, d, h }) => {
    const parts = countdownParts(ms);
    expect(parts.clock).toBe(clock);
    if (d !== undefined) expect(parts).toMatchObject({ d, h });
  });
});

describe(actionsFor.name, () => {
  // The server's allowedActions, ordered so the usual next step comes first; comment has its own box.
  it.each([
    { allowed: ['dispatch', 'comment'], buttons: ['dispatch'] },
    { allowed: ['dispatch', 'accept', 'comment'], buttons: ['accept', 'dispatch'] },
    { allowed: ['dispatch', 'start', 'resolve', 'comment'], buttons: ['start', 'resolve', 'dispatch'] },
    { allowed: ['verify', 'reopen', 'comment'], buttons: ['verify', 'reopen'] },
    { allowed: ['reopen', 'close', 'comment'], buttons: ['close', 'reopen'] },
    { allowed: ['comment'], buttons: [] },
  ] as const)('$allowed → $buttons', ({ allowed, buttons }) => {
    expect(actionsFor({ allowedActions: [...allowed] })).toEqual(buttons);
  });

  it('asks for a callback note on complaints only', () => {
    expect(verifyNeedsNote({ source: 'complaint' })).toBe(true);
    expect(verifyNeedsNote({ source: 'alert' })).toBe(false);
  });
});

describe(isNewEscalation.name, () => {
  const created = { at: iso(T0), by: 'operator', action: 'create' } as const;
  const escalation = { at: iso(T0 + 11 * min), by: 'system', action: 'escalate' } as const;
  const comment = { at: iso(T0 + 12 * min), by: 'operator', action: 'comment', note: '催促' } as const;
  const escalated = (over: Partial<WorkOrderDto> = {}) => order({ escalated: true, acceptEscalatedAt: iso(T0 + 11 * min), ...over });
  it.each([
    { case: 'first seen live, this update is the escalation', previous: undefined, next: escalated({ timeline: [created, escalation] }), toast: true },
    { case: 'first seen live, escalated long ago, now a comment', previous: undefined, next: escalated({ timeline: [created, escalation, comment] }), toast: false },
    { case: 'becomes escalated', previous: order(), next: escalated(), toast: true },
    { case: 'escalated order updated again', previous: escalated(), next: escalated({ status: 'accepted' }), toast: false },
    { case: 'then misses its resolve deadline too', previous: escalated(), next: escalated({ resolveEscalatedAt: iso(T0 + 101 * min) }), toast: true },
    { case: 'not escalated', previous: undefined, next: order(), toast: false },
    { case: 'escalated but already closed', previous: order(), next: escalated({ status: 'closed' }), toast: false },
  ])('$case → $toast', ({ previous, next, toast }) => {
    expect(isNewEscalation(previous, next)).toBe(toast);
  });
});

describe('order buffer', () => {
  it('replaces by id and evicts finished orders before open ones', () => {
    const buffer = new Map<string, WorkOrderDto>();
    upsertOrder(buffer, order({ id: 'open-old', createdAt: iso(T0 - 60 * min) }), 2);
    upsertOrder(buffer, order({ id: 'done', status: 'closed', closedAt: iso(T0) }), 2);
    upsertOrder(buffer, order({ id: 'open-old', title: 'updated', createdAt: iso(T0 - 60 * min) }), 2);
    expect(buffer.get('open-old')?.title).toBe('updated');
    expect(upsertOrder(buffer, order({ id: 'open-new' }), 2)).toEqual(['done']);
  });

  it('drops open orders the server no longer lists as open after a refetch', () => {
    const buffer = new Map<string, WorkOrderDto>([
      ['gone', order({ id: 'gone' })],
      ['kept', order({ id: 'kept' })],
      ['done', order({ id: 'done', status: 'closed' })],
    ]);
    expect(staleOpenIds(buffer, [order({ id: 'kept' })])).toEqual(['gone']);
  });
});
