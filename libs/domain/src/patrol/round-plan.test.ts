import { describe, expect, it } from 'vitest';
import { shiftDate } from '../time/site-clock';
import { SITE } from './patrol.testing';
import { planRounds, roundId, samePlan } from './round-plan';

describe(planRounds.name, () => {
  it('plans each scheduled start of each route on the site-local date, ordered by start', () => {
    expect(planRounds(SITE, '2026-11-27').map((r) => r.id)).toEqual([
      'testsite:r1:2026-11-27:0930',
      'testsite:r2:2026-11-27:1000',
      'testsite:r2:2026-11-27:1400',
    ]);
  });

  it('Pᵢ = start + offsetMinᵢ and the window is P ± tolerance (CONTRACT §3)', () => {
    const [r1] = planRounds(SITE, '2026-11-27');
    expect(r1).toMatchObject({ start: '2026-11-27T01:30:00.000Z', startLocal: '09:30', status: 'scheduled', compliance: 0, department: 'security' });
    expect(r1!.checkpoints.map((c) => [c.checkpointId, c.plannedAt, c.windowStart, c.windowEnd])).toEqual([
      ['cp-1', '2026-11-27T01:30:00.000Z', '2026-11-27T01:15:00.000Z', '2026-11-27T01:45:00.000Z'],
      ['cp-2', '2026-11-27T01:50:00.000Z', '2026-11-27T01:35:00.000Z', '2026-11-27T02:05:00.000Z'],
    ]);
    expect(r1).toMatchObject({ windowStart: '2026-11-27T01:15:00.000Z', windowEnd: '2026-11-27T02:05:00.000Z' });
    expect(r1!.checkpoints[0]).toMatchObject({ name: '北门岗亭', x: 120, y: 40, outcome: 'pending', flags: [], taps: 0 });
  });

  it.each([
    { name: 'a local 00:10 round in Shanghai starts the previous UTC day', tz: 'Asia/Shanghai', date: '2026-11-27', hhmm: '00:10', start: '2026-11-26T16:10:00.000Z' },
    { name: 'a DST zone in summer', tz: 'Europe/Berlin', date: '2026-07-01', hhmm: '09:30', start: '2026-07-01T07:30:00.000Z' },
    { name: 'a DST zone in winter', tz: 'Europe/Berlin', date: '2026-12-01', hhmm: '09:30', start: '2026-12-01T08:30:00.000Z' },
    { name: 'a start in the spring-forward gap runs past the gap', tz: 'Europe/Berlin', date: '2026-03-29', hhmm: '02:30', start: '2026-03-29T01:30:00.000Z' },
  ])('$name', ({ tz, date, hhmm, start }) => {
    const cfg = { ...SITE, site: { id: 's', timezone: tz }, routes: [{ ...SITE.routes[0]!, schedule: [hhmm] }] };
    const [r] = planRounds(cfg, date);
    expect(r!.start).toBe(start);
    expect(r!.id).toBe(roundId('s', 'r1', date, hhmm));
  });

  it('a round of 23:50 walks past midnight: its later planned times are on the next date, the round keeps its own', () => {
    const cfg = { ...SITE, routes: [{ ...SITE.routes[0]!, schedule: ['23:50'] }] };
    const [r] = planRounds(cfg, '2026-11-27');
    expect(r).toMatchObject({ id: 'testsite:r1:2026-11-27:2350', localDate: '2026-11-27' });
    expect(r!.checkpoints[1]!.plannedAt).toBe('2026-11-27T16:10:00.000Z'); // 00:10 on the 28th, local
  });

  it('the round id is deterministic: the same date planned twice gives equal plans', () => {
    const a = planRounds(SITE, '2026-11-27');
    const b = planRounds(SITE, shiftDate('2026-11-26', 1));
    expect(b.map((r) => r.id)).toEqual(a.map((r) => r.id));
    a.forEach((r, i) => expect(samePlan(r, b[i]!)).toBe(true));
  });

  it.each([
    { change: 'another offset', edit: (c: typeof SITE) => ({ ...c, routes: [{ ...c.routes[0]!, checkpoints: [{ checkpoint: 'cp-1', offsetMin: 0 }, { checkpoint: 'cp-2', offsetMin: 25 }] }] }) },
    { change: 'another tolerance', edit: (c: typeof SITE) => ({ ...c, routes: [{ ...c.routes[0]!, toleranceMin: 5 }] }) },
    { change: 'a renamed checkpoint', edit: (c: typeof SITE) => ({ ...c, checkpoints: [{ ...c.checkpoints[0]!, name: '北门' }, ...c.checkpoints.slice(1)] }) },
  ])('a site file with $change is a different plan', ({ edit }) => {
    const before = planRounds({ ...SITE, routes: [SITE.routes[0]!] }, '2026-11-27')[0]!;
    const after = planRounds(edit({ ...SITE, routes: [SITE.routes[0]!] }), '2026-11-27')[0]!;
    expect(after.id).toBe(before.id);
    expect(samePlan(before, after)).toBe(false);
  });
});
