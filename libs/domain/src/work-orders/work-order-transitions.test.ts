import { describe, expect, it } from 'vitest';
import { WORK_ORDER_ACTION_IDS, WORK_ORDER_STATUS_IDS, type WorkOrderActionId, type WorkOrderStatusId } from '@estate-watch/contracts';
import { allowedActions, transition } from './work-order-transitions';

// CONTRACT §5 — every legal transition, by (status, action) → next status, for a staff order.
const legal: [WorkOrderStatusId, WorkOrderActionId, WorkOrderStatusId][] = [
  ['new', 'dispatch', 'dispatched'],
  ['dispatched', 'dispatch', 'dispatched'], // re-route to another department
  ['accepted', 'dispatch', 'dispatched'],
  ['reopened', 'dispatch', 'dispatched'],
  ['dispatched', 'accept', 'accepted'],
  ['reopened', 'accept', 'accepted'],
  ['accepted', 'start', 'in_progress'],
  ['accepted', 'resolve', 'resolved'],
  ['in_progress', 'resolve', 'resolved'],
  ['resolved', 'verify', 'verified'],
  ['resolved', 'reopen', 'reopened'],
  ['verified', 'reopen', 'reopened'],
  ['closed', 'reopen', 'reopened'],
  ['verified', 'close', 'closed'],
  ['resolved', 'close', 'closed'], // not a complaint: no callback needed
  ...WORK_ORDER_STATUS_IDS.map((s) => [s, 'comment', s] as [WorkOrderStatusId, WorkOrderActionId, WorkOrderStatusId]),
];

describe(transition.name, () => {
  it.each(legal)('%s + %s → %s', (status, action, expected) => {
    expect(transition({ status, action, source: 'inspection' })).toEqual({ ok: true, status: expected });
  });

  // Every other (status, action) pair is illegal, and says what is allowed instead.
  const illegal = WORK_ORDER_STATUS_IDS.flatMap((status) =>
    WORK_ORDER_ACTION_IDS.filter((action) => !legal.some(([s, a]) => s === status && a === action)).map((action) => [status, action] as const),
  );
  it.each(illegal)('%s + %s is refused with the allowed actions', (status, action) => {
    const result = transition({ status, action, source: 'inspection' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.allowed).toEqual(allowedActions(status, 'inspection'));
      expect(result.allowed).not.toContain(action);
      expect(result.reason.length).toBeGreaterThan(10);
    }
  });

  it('covers all 64 (status, action) pairs between the two tables', () => {
    expect(legal.length + illegal.length).toBe(WORK_ORDER_STATUS_IDS.length * WORK_ORDER_ACTION_IDS.length);
  });

  it('a complaint cannot be closed without its callback', () => {
    const result = transition({ status: 'resolved', action: 'close', source: 'complaint' });
    expect(result).toMatchObject({ ok: false, allowed: ['verify', 'reopen', 'comment'] });
    if (!result.ok) expect(result.reason).toContain('callback');
  });

  it('an unsatisfied callback reopens the order', () => {
    expect(transition({ status: 'resolved', action: 'verify', source: 'complaint', satisfied: false })).toEqual({ ok: true, status: 'reopened' });
    expect(transition({ status: 'resolved', action: 'verify', source: 'complaint', satisfied: true })).toEqual({ ok: true, status: 'verified' });
  });

  it.each(['new', 'dispatched', 'accepted', 'in_progress', 'resolved', 'reopened'] as const)(
    'a device confirming the condition cleared verifies a %s order',
    (status) => {
      expect(transition({ status, action: 'verify', source: 'alert', byDevice: true })).toEqual({ ok: true, status: 'verified' });
    },
  );

  it.each(['verified', 'closed'] as const)('a device cannot verify a %s order again', (status) => {
    expect(transition({ status, action: 'verify', source: 'alert', byDevice: true }).ok).toBe(false);
  });
});
