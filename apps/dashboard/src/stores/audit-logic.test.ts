import { describe, expect, it } from 'vitest';
import { actionOptions, auditFilterProblem, auditQuery, detailsText, EMPTY_AUDIT_FILTER, localInputToIso } from './audit-logic';

// Issue 8 point 9: the audit tab's filter, menu and details.
const SH = 'Asia/Shanghai';
describe('audit filter', () => {
  it('sends only what is filled in, times as RFC 3339 read on the site clock', () => {
    expect(auditQuery(EMPTY_AUDIT_FILTER, SH)).toEqual({ limit: 100 });
    const from = '2026-11-27T09:00';
    expect(auditQuery({ user: '  olga ', action: 'work_order', from, to: '' }, SH, 42)).toEqual({
      user: 'olga',
      action: 'work_order',
      from: '2026-11-27T01:00:00.000Z', // 09:00 in Shanghai, whatever zone runs the test
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
    expect(auditFilterProblem({ ...EMPTY_AUDIT_FILTER, from, to }, SH)).toBe(problem);
  });
});

describe(localInputToIso.name, () => {
  it.each([
    { why: 'Shanghai', value: '2026-11-27T09:00', tz: SH, expected: '2026-11-27T01:00:00.000Z' },
    { why: 'with seconds', value: '2026-11-27T09:00:30', tz: SH, expected: '2026-11-27T01:00:30.000Z' },
    { why: 'Berlin, 02:30 does not exist on the spring night: past the gap', value: '2026-03-29T02:30', tz: 'Europe/Berlin', expected: '2026-03-29T01:30:00.000Z' },
    { why: 'Berlin, 02:30 twice on the autumn night: the first', value: '2026-10-25T02:30', tz: 'Europe/Berlin', expected: '2026-10-25T00:30:00.000Z' },
    { why: 'empty', value: '', tz: SH, expected: undefined },
    { why: 'no such day', value: '2026-02-30T09:00', tz: SH, expected: undefined },
  ])('$why: $value → $expected', ({ value, tz, expected }) => {
    expect(localInputToIso(value, tz)).toBe(expected);
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
