import { describe, expect, it } from 'vitest';
import { callbackDueAt, callbackNowOverdue, deadlineDueAt, deadlines, dueEscalations, higherPriority, nextPriority, type DeadlineState } from './sla';
import type { WorkOrderStatusId } from '@estate-watch/contracts';

const created = new Date('2026-11-27T01:00:00Z');
const at = (offsetMs: number) => new Date(created.getTime() + offsetMs);
const MIN = 60_000;

// CONTRACT §2 lakeside: engineering accepts within 15 min, resolves within 240 min.
describe(deadlines.name, () => {
  it('counts both deadlines from creation with the department SLA', () => {
    expect(deadlines(created, { acceptMin: 15, resolveMin: 240 })).toEqual({ acceptBy: at(15 * MIN), resolveBy: at(240 * MIN) });
  });
});

describe(dueEscalations.name, () => {
  const order = (status: WorkOrderStatusId, acceptEscalated = false, resolveEscalated = false): DeadlineState => ({
    status,
    acceptEscalated,
    resolveEscalated,
    ...deadlines(created, { acceptMin: 15, resolveMin: 240 }),
  });

  it.each([
    { status: 'dispatched', now: 15 * MIN - 1, expected: [] },
    { status: 'dispatched', now: 15 * MIN, expected: [] }, // exactly at the deadline is still in time
    { status: 'dispatched', now: 15 * MIN + 1, expected: ['accept'] }, // 1 ms after is late
    { status: 'new', now: 15 * MIN + 1, expected: ['accept'] },
    { status: 'reopened', now: 15 * MIN + 1, expected: ['accept'] },
    { status: 'accepted', now: 15 * MIN + 1, expected: [] },
    { status: 'accepted', now: 240 * MIN, expected: [] },
    { status: 'accepted', now: 240 * MIN + 1, expected: ['resolve'] },
    { status: 'in_progress', now: 240 * MIN + 1, expected: ['resolve'] },
    { status: 'dispatched', now: 240 * MIN + 1, expected: ['accept', 'resolve'] }, // both missed (server was down)
    { status: 'resolved', now: 240 * MIN + 1, expected: [] },
    { status: 'verified', now: 240 * MIN + 1, expected: [] },
    { status: 'closed', now: 240 * MIN + 1, expected: [] },
  ] as const)('$status at +$now ms → $expected', ({ status, now, expected }) => {
    expect(dueEscalations(order(status), at(now))).toEqual(expected);
  });

  it.each([
    { acceptEscalated: true, resolveEscalated: false, expected: ['resolve'] },
    { acceptEscalated: false, resolveEscalated: true, expected: ['accept'] },
    { acceptEscalated: true, resolveEscalated: true, expected: [] },
  ] as const)('each deadline escalates once (accept done $acceptEscalated, resolve done $resolveEscalated)', ({ acceptEscalated, resolveEscalated, expected }) => {
    expect(dueEscalations(order('dispatched', acceptEscalated, resolveEscalated), at(300 * MIN))).toEqual(expected);
  });
});

describe(nextPriority.name, () => {
  it.each([
    ['low', 'normal'],
    ['normal', 'high'],
    ['high', 'urgent'],
    ['urgent', 'urgent'], // capped
  ] as const)('%s → %s', (from, to) => expect(nextPriority(from)).toBe(to));
});

describe(higherPriority.name, () => {
  it.each([
    ['normal', 'high', 'high'],
    ['urgent', 'high', 'urgent'],
    ['low', 'low', 'low'],
  ] as const)('%s vs %s → %s', (a, b, expected) => expect(higherPriority(a, b)).toBe(expected));
});

describe(callbackNowOverdue.name, () => {
  const resolvedAt = created;
  const due = callbackDueAt(resolvedAt);
  const DAY = 24 * 3600_000;

  it('the callback is due 3 days after resolving', () => expect(due).toEqual(at(3 * DAY)));

  it.each([
    { source: 'complaint', status: 'resolved', now: 3 * DAY, flagged: false, expected: false }, // at the deadline: in time
    { source: 'complaint', status: 'resolved', now: 3 * DAY + 1, flagged: false, expected: true },
    { source: 'complaint', status: 'resolved', now: 3 * DAY + 1, flagged: true, expected: false }, // flagged once
    { source: 'complaint', status: 'verified', now: 4 * DAY, flagged: false, expected: false }, // called back
    { source: 'complaint', status: 'reopened', now: 4 * DAY, flagged: false, expected: false },
    { source: 'inspection', status: 'resolved', now: 4 * DAY, flagged: false, expected: false }, // no callback needed
  ] as const)('$source $status at +$now ms (flagged $flagged) → $expected', ({ source, status, now, flagged, expected }) => {
    expect(callbackNowOverdue({ source, status, callbackDueAt: due, callbackOverdue: flagged }, at(now))).toBe(expected);
  });
});

describe(deadlineDueAt.name, () => {
  const acceptBy = at(10 * 60_000);
  const resolveBy = at(60 * 60_000);
  const callback = at(3 * 24 * 3600_000);
  const order = (o: Partial<DeadlineState & { source: 'complaint' | 'inspection'; callbackDueAt?: Date; callbackOverdue: boolean }>) => ({
    status: 'dispatched' as WorkOrderStatusId,
    acceptBy,
    resolveBy,
    acceptEscalated: false,
    resolveEscalated: false,
    source: 'complaint' as const,
    callbackOverdue: false,
    ...o,
  });
  it.each([
    { name: 'awaiting accept: 1 ms after the accept deadline', o: {}, expected: acceptBy.getTime() + 1 },
    { name: 'accept escalated: 1 ms after the resolve deadline', o: { acceptEscalated: true }, expected: resolveBy.getTime() + 1 },
    { name: 'accepted: the resolve deadline', o: { status: 'accepted' as WorkOrderStatusId }, expected: resolveBy.getTime() + 1 },
    { name: 'both escalated: nothing', o: { acceptEscalated: true, resolveEscalated: true }, expected: null },
    { name: 'a resolved complaint: its callback', o: { status: 'resolved' as WorkOrderStatusId, callbackDueAt: callback }, expected: callback.getTime() + 1 },
    { name: 'a resolved complaint flagged: nothing', o: { status: 'resolved' as WorkOrderStatusId, callbackDueAt: callback, callbackOverdue: true }, expected: null },
    { name: 'resolved, not a complaint: nothing', o: { status: 'resolved' as WorkOrderStatusId, source: 'inspection' as const, callbackDueAt: callback }, expected: null },
    { name: 'closed: nothing', o: { status: 'closed' as WorkOrderStatusId }, expected: null },
  ])('$name', ({ o, expected }) => {
    const state = order(o);
    const due = deadlineDueAt(state);
    expect(due?.getTime() ?? null).toBe(expected);
    if (!due) return;
    // The sweep's own rules agree: something to do at the instant, nothing 1 ms before it.
    const work = (now: Date) => dueEscalations(state, now).length > 0 || callbackNowOverdue(state, now);
    expect(work(due)).toBe(true);
    expect(work(new Date(due.getTime() - 1))).toBe(false);
  });
});
