// POST /api/alerts/ack (several at once) and /api/alerts/{id}/snooze (issue 12.4): who may call,
// what a bad body answers, and that both are audited like acknowledge.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { createTestApp, type TestApp } from '../common/http/http.testing';
import { testSite } from '../sites/sites.testing';
import { AlertsModule } from './alerts.module';
import { AlertsService } from './alerts.service';

describe('/api/alerts ack-many and snooze', () => {
  let t: TestApp;
  let alerts: AlertsService;
  let ids: string[];
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp({ imports: [AlertsModule], sites: [testSite('work-orders')], clock: new ManualClock(new Date()) });
    alerts = t.app.get(AlertsService);
    for (const name of ['operator', 'supervisor']) tokens[name] = await t.login(name);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.db.query('DELETE FROM alerts');
    ids = [];
    for (const subject of ['lift-1:trapped', 'leak-1:leak']) {
      ids.push((await alerts.raise({ siteId: 'lakeside', type: 'sensor.threshold', severity: 'critical', subject, message: 'm' })).id);
    }
  });

  it.each([
    { body: { ids: [] }, problem: 'give at least one alert id' },
    { body: { ids: ['not-a-uuid'] }, problem: 'each id must be an alert id' },
    { body: {}, problem: 'ids' },
  ])('POST /api/alerts/ack $body → 400 naming the problem', async ({ body, problem }) => {
    const res = await t.request('POST', '/api/alerts/ack', { token: tokens.operator, body });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain(problem);
  });

  it('acknowledges several, skips the unknown, and writes one audit entry naming them', async () => {
    expect((await t.request('POST', '/api/alerts/ack', { body: { ids } })).status).toBe(401);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const res = await t.request('POST', '/api/alerts/ack', { token: tokens.operator, body: { ids: [...ids, unknown], note: '交班确认' } });
    expect(res.status).toBe(201);
    expect(res.body.acknowledged.map((a: { id: string }) => a.id)).toEqual(ids);
    expect(res.body.skipped).toEqual([{ id: unknown, reason: expect.stringMatching(/no alert/) }]);
    const [entry] = await t.db.query<{ actor: string; action: string; target: string; details: Record<string, unknown> }>(
      "SELECT actor, action, target, details FROM audit_log WHERE action = 'alert.acknowledged' ORDER BY id DESC LIMIT 1",
    );
    expect(entry).toMatchObject({ actor: 'operator', target: ids.join(','), details: { note: '交班确认', count: 2 } });
  });

  it.each([
    { body: { minutes: 0, reason: 'x' }, problem: 'at least 1 minute' },
    { body: { minutes: 721, reason: 'x' }, problem: 'at most 720 minutes' },
    { body: { minutes: 1.5, reason: 'x' }, problem: 'whole minutes' },
    { body: { minutes: 30, reason: '   ' }, problem: 'say why it may wait' },
    { body: { minutes: 30 }, problem: 'reason' },
  ])('POST /api/alerts/{id}/snooze $body → 400 naming the problem', async ({ body, problem }) => {
    const res = await t.request('POST', `/api/alerts/${ids[0]}/snooze`, { token: tokens.operator, body });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain(problem);
  });

  it('snoozes with a reason in the alert\'s timeline and the audit log; an acknowledged alert answers 409', async () => {
    const res = await t.request('POST', `/api/alerts/${ids[0]}/snooze`, { token: tokens.supervisor, body: { minutes: 30, reason: '维修人员已到场' } });
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.snoozedUntil) - Date.parse(res.body.events[0].at)).toBe(30 * 60_000);
    expect(res.body.events[0]).toMatchObject({ by: 'supervisor', action: 'snooze', note: '维修人员已到场' });
    const [entry] = await t.db.query<{ actor: string; target: string; details: Record<string, unknown> }>(
      "SELECT actor, target, details FROM audit_log WHERE action = 'alert.snoozed' ORDER BY id DESC LIMIT 1",
    );
    expect(entry).toEqual({ actor: 'supervisor', target: ids[0], details: { minutes: 30, reason: '维修人员已到场' } });
    await alerts.acknowledge(ids[0]!, 'operator');
    expect((await t.request('POST', `/api/alerts/${ids[0]}/snooze`, { token: tokens.operator, body: { minutes: 5, reason: 'x' } })).status).toBe(409);
    expect((await t.request('POST', '/api/alerts/nope/snooze', { token: tokens.operator, body: { minutes: 5, reason: 'x' } })).status).toBe(400);
  });
});
