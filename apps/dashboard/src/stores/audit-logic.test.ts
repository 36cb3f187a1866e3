import { describe, expect, it } from 'vitest';
import { actionOptions, auditFilterProblem, auditQuery, detailsText, EMPTY_AUDIT_FILTER } from './audit-logic';

// Issue 8 point 9: the audit tab's filter, menu and details.
describe('audit filter', () => {
  it('sends only what is filled in, times as RFC 3339 read on the browser clock', () => {
    expect(auditQuery(EMPTY_AUDIT_FILTER)).toEqual({ limit: 100 });
    const from = '2026-11-27T09:00';
    expect(auditQuery({ user: '  olga ', action: 'work_order', from, to: '' }, 42)).toEqual({
      user: 'olga',
      action: 'work_order',
      from: new Date(from).toISOString(),
      before: 42,
      limit: 100,
    });
  });

  it.each([
    { from: '2026-11-27T09:00', to: '2026-11-27T10:00', problem: null },
    { from: '2026-11-27T10:00', to: '2026-11-27T10:00', problem: 'order' }, // `to` is exclusive: an empty range
    { from: '2026-11-27T11:00', to: '2026-11-27T10:00', problem: 'order' },
    { from: '', to: '2026-11-27T10:00', problem: null },
  ])('$from … $to → $problem', ({ from, to, problem }) => {
    expect(auditFilterProblem({ ...EMPTY_AUDIT_FILTER, from, to })).toBe(problem);
  });
});

describe(actionOptions.name, () => {
  it('puts each group before its own actions', () => {
    expect(actionOptions(['auth.login', 'work_order.created', 'work_order.close', 'gate.open'], ['auth', 'work_order', 'gate'])).toEqual([
      { value: 'auth', group: true },
      { value: 'auth.login', group: false },
      { value: 'work_order', group: true },
      { value: 'work_order.created', group: false },
      { value: 'work_order.close', group: false },
      { value: 'gate', group: true },
      { value: 'gate.open', group: false },
    ]);
  });
});

describe(detailsText.name, () => {
  it('one line of key: value, nested values as JSON, empty ones left out', () => {
    expect(detailsText({ department: 'engineering', assignee: '李工', note: '', satisfied: false, sites: [{ id: 'a' }] })).toBe(
      'department: engineering · assignee: 李工 · satisfied: false · sites: [{"id":"a"}]',
    );
    expect(detailsText({})).toBe('');
  });
});
