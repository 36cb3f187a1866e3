// CONTRACT §5 — one action judged whole: the refusals (400 and 409 at the server) and what each action writes.
import { describe, expect, it } from 'vitest';
import { judgeAction, newOrderDepartment, type OrderFacts, type SiteDepartments, type WorkOrderActionInput } from './work-order-action';

const created = new Date('2026-11-27T01:00:00Z');
const now = new Date('2026-11-27T03:00:00Z');
const MIN = 60_000;
const DAY = 24 * 3600_000;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

// CONTRACT §2 lakeside's departments, two of them.
const site: SiteDepartments = {
  siteId: 'lakeside',
  departments: [
    { id: 'engineering', sla: { acceptMin: 15, resolveMin: 240 } },
    { id: 'service', sla: { acceptMin: 10, resolveMin: 1440 } },
  ],
};

const order = (status: OrderFacts['status'], source: OrderFacts['source'] = 'inspection'): OrderFacts => ({
  siteId: 'lakeside',
  source,
  status,
  department: 'engineering',
  createdAt: created,
});

describe(judgeAction.name, () => {
  describe('refusals, in the order a person meets them', () => {
    it.each<{ name: string; order: OrderFacts; action: WorkOrderActionInput; site?: SiteDepartments; expected: object }>([
      {
        name: 'a complaint verified without a note',
        order: order('resolved', 'complaint'),
        action: { action: 'verify' },
        expected: { reason: 'note_required', message: 'note: a complaint is verified by its callback; say what the resident said' },
      },
      { name: 'an empty note is no note', order: order('resolved', 'complaint'), action: { action: 'verify', note: '' }, expected: { reason: 'note_required' } },
      // The note is asked for first: the person fixes the form before learning the order moved on.
      { name: 'the note before the status', order: order('closed', 'complaint'), action: { action: 'verify' }, expected: { reason: 'note_required' } },
      {
        name: 'an action the status does not allow',
        order: order('new'),
        action: { action: 'resolve' },
        expected: { reason: 'not_allowed', message: 'cannot resolve a new order', allowed: ['dispatch', 'comment'] },
      },
      {
        name: 'a dispatch to a department the site does not have',
        order: order('new'),
        action: { action: 'dispatch', department: 'security' },
        expected: { reason: 'unknown_department', message: 'department: "security" is not a department of site lakeside (departments: engineering, service)' },
      },
      {
        name: 'a dispatch on an order whose site is gone',
        order: order('new'),
        action: { action: 'dispatch' },
        site: undefined,
        expected: { reason: 'unknown_department', message: 'department: "engineering" is not a department of site lakeside' },
      },
    ])('$name', ({ order: o, action, expected, ...rest }) => {
      const verdict = judgeAction(o, action, 'site' in rest ? rest.site : site, now);
      expect(verdict).toMatchObject({ ok: false, ...expected });
    });

    it.each<{ name: string; order: OrderFacts; action: WorkOrderActionInput }>([
      { name: 'a device verifying a complaint needs no note', order: order('dispatched', 'complaint'), action: { action: 'verify', byDevice: true } },
      { name: 'an inspection is verified without a note', order: order('resolved'), action: { action: 'verify' } },
      { name: 'a complaint reopened without a note', order: order('resolved', 'complaint'), action: { action: 'reopen' } },
    ])('$name', ({ order: o, action }) => {
      expect(judgeAction(o, action, site, now).ok).toBe(true);
    });
  });

  it.each<{ name: string; order: OrderFacts; action: WorkOrderActionInput; change: object }>([
    {
      name: 'dispatch to its own department: the SLA from creation, no assignee',
      order: order('new'),
      action: { action: 'dispatch' },
      change: { status: 'dispatched', department: 'engineering', assignee: null, dispatchedAt: now, acceptBy: at(created, 15 * MIN), resolveBy: at(created, 240 * MIN) },
    },
    {
      name: 're-routed: the new department SLA, still counted from creation',
      order: order('accepted'),
      action: { action: 'dispatch', department: 'service', assignee: 'li' },
      change: { status: 'dispatched', department: 'service', assignee: 'li', dispatchedAt: now, acceptBy: at(created, 10 * MIN), resolveBy: at(created, 1440 * MIN) },
    },
    { name: 'accept', order: order('dispatched'), action: { action: 'accept' }, change: { status: 'accepted', acceptedAt: now } },
    { name: 'start', order: order('accepted'), action: { action: 'start' }, change: { status: 'in_progress', startedAt: now } },
    { name: 'resolve an inspection: no callback', order: order('in_progress'), action: { action: 'resolve' }, change: { status: 'resolved', resolvedAt: now } },
    {
      name: 'resolve a complaint: its callback due 3 days later',
      order: order('in_progress', 'complaint'),
      action: { action: 'resolve' },
      change: { status: 'resolved', resolvedAt: now, callbackDueAt: at(now, 3 * DAY), callbackOverdue: false },
    },
    {
      name: 'verify a complaint: the callback, satisfied by default',
      order: order('resolved', 'complaint'),
      action: { action: 'verify', note: '住户满意' },
      change: { status: 'verified', verifiedAt: now, callbackAt: now, callbackSatisfied: true },
    },
    {
      name: 'an unsatisfied callback reopens: the callback kept, the round of work undone',
      order: order('resolved', 'complaint'),
      action: { action: 'verify', note: '仍然漏水', satisfied: false },
      change: { status: 'reopened', callbackAt: now, callbackSatisfied: false, resolvedAt: null, verifiedAt: null, closedAt: null, callbackDueAt: null, callbackOverdue: false },
    },
    {
      name: 'reopen a complaint saying how the resident felt: a callback',
      order: order('closed', 'complaint'),
      action: { action: 'reopen', satisfied: false },
      change: { status: 'reopened', callbackAt: now, callbackSatisfied: false, resolvedAt: null, verifiedAt: null, closedAt: null, callbackDueAt: null, callbackOverdue: false },
    },
    {
      name: 'reopen a complaint saying nothing: no callback',
      order: order('verified', 'complaint'),
      action: { action: 'reopen' },
      change: { status: 'reopened', resolvedAt: null, verifiedAt: null, closedAt: null, callbackDueAt: null, callbackOverdue: false },
    },
    {
      name: 'a device verifies a complaint: no callback',
      order: order('accepted', 'complaint'),
      action: { action: 'verify', byDevice: true },
      change: { status: 'verified', verifiedAt: now },
    },
    { name: 'a device verifies an alert order from any open status', order: order('new', 'alert'), action: { action: 'verify', byDevice: true }, change: { status: 'verified', verifiedAt: now } },
    { name: 'close', order: order('verified'), action: { action: 'close' }, change: { status: 'closed', closedAt: now } },
    { name: 'comment: the status only', order: order('in_progress'), action: { action: 'comment', note: '等配件' }, change: { status: 'in_progress' } },
  ])('$name', ({ order: o, action, change }) => {
    // toEqual: nothing is written that the row above does not name.
    expect(judgeAction(o, action, site, now)).toEqual({ ok: true, change });
  });
});

describe(newOrderDepartment.name, () => {
  const withoutService: SiteDepartments = { siteId: 'north', departments: [{ id: 'maintenance', sla: { acceptMin: 20, resolveMin: 300 } }] };

  it.each([
    { name: 'a complaint without one goes to the service centre', source: 'complaint', requested: undefined, on: site, department: 'service', sla: { acceptMin: 10, resolveMin: 1440 } },
    { name: 'a complaint on a site without a service centre goes to its first department', source: 'complaint', requested: undefined, on: withoutService, department: 'maintenance', sla: { acceptMin: 20, resolveMin: 300 } },
    { name: 'an inspection without one goes to engineering', source: 'inspection', requested: undefined, on: site, department: 'engineering', sla: { acceptMin: 15, resolveMin: 240 } },
    { name: 'the one asked for wins over the default', source: 'complaint', requested: 'engineering', on: site, department: 'engineering', sla: { acceptMin: 15, resolveMin: 240 } },
  ] as const)('$name', ({ source, requested, on, department, sla }) => {
    expect(newOrderDepartment(source, requested, on)).toEqual({ ok: true, department, sla });
  });

  it.each([
    {
      name: 'one asked for that the site does not have',
      source: 'complaint',
      site,
      requested: 'security',
      expected: { reason: 'unknown_department', message: 'department: "security" is not a department of site lakeside (departments: engineering, service)' },
    },
    {
      name: 'an inspection on a site without engineering must be told one',
      source: 'inspection',
      site: withoutService,
      requested: undefined,
      expected: { reason: 'no_default_department', message: 'department: required: site north has no "engineering" department to default to (departments: maintenance)' },
    },
  ] as const)('refused: $name', ({ source, site: s, requested, expected }) => {
    expect(newOrderDepartment(source, requested, s)).toEqual({ ok: false, ...expected });
  });
});
