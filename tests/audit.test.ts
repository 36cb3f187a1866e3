// Issue 8 point 9 end to end: what the audit log records, read back through GET /api/audit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { buildTopic, type AuditEntryDto, type AuditPageDto, type GateCommand, type WorkOrderDto } from '@estate-watch/contracts';
import { AlertsService } from '../apps/server/src/alerts/alerts.service';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { testSite } from '../apps/server/src/sites/sites.testing';
import { api, connectDevice, connected, login, startTestServer } from './support/server';

const gateTopic = (stream: 'ack' | 'cmd') => buildTopic({ site: 'testsite', kind: 'gate', device: 'gate-1', stream });

describe('audit log', () => {
  let server: RunningServer;
  let admin: string;
  let gate: MqttClient;
  let acking = true;

  beforeAll(async () => {
    server = await startTestServer({ env: { gateAckTimeoutMs: 500 } });
    admin = (await login(server, 'admin')).token;
    gate = await connected(await connectDevice(server, testSite(), 'gate', 'gate-1'));
    await gate.subscribeAsync(gateTopic('cmd'), { qos: 1 });
    gate.on('message', (topic, payload) => {
      if (topic !== gateTopic('cmd') || !acking) return;
      const cmd = JSON.parse(payload.toString()) as GateCommand;
      void gate.publishAsync(gateTopic('ack'), JSON.stringify({ id: cmd.id, ts: new Date().toISOString(), ok: true }), { qos: 1 });
    });
  });
  afterAll(async () => {
    gate?.end(true);
    await server?.close();
  });

  const audit = async (query: string) => {
    const res = await api<AuditPageDto>(server, admin, `/api/audit${query}`);
    expect(res.status).toBe(200);
    return res.body.entries;
  };
  const post = (token: string, path: string, body: unknown, method = 'POST') => api<any>(server, token, path, { method, body: JSON.stringify(body) });

  it('the configuration loaded at start-up, without secrets', async () => {
    const [entry] = await audit('?action=config.loaded');
    expect(entry).toMatchObject({ action: 'config.loaded', outcome: 'ok', details: { demo: true, database: 'PGlite', sites: [{ id: 'testsite', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }] } });
    expect(entry).not.toHaveProperty('actor');
    expect(JSON.stringify(entry)).not.toContain('secret-gate-1');
  });

  it('sign-ins, right and wrong, with the address', async () => {
    await login(server, 'operator');
    await fetch(`${server.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'operator', password: 'guess' }) });
    const entries = await audit('?action=auth.login&user=operator');
    expect(entries.slice(0, 2)).toEqual([
      expect.objectContaining({ actor: 'operator', outcome: 'failed', address: expect.stringMatching(/127\.0\.0\.1/) }),
      expect.objectContaining({ actor: 'operator', outcome: 'ok', address: expect.stringMatching(/127\.0\.0\.1/) }),
    ]);
  });

  it('user created, role changed, removed', async () => {
    expect((await post(admin, '/api/users', { username: 'temp-desk', password: 'temp-desk-pass', role: 'operator' })).status).toBe(201);
    expect((await post(admin, '/api/users/temp-desk', { role: 'supervisor' }, 'PATCH')).status).toBe(200);
    expect((await api(server, admin, '/api/users/temp-desk', { method: 'DELETE' })).status).toBe(200);
    const entries = await audit('?action=user');
    expect(entries.slice(0, 3).map((e) => [e.action, e.actor, e.target, e.details])).toEqual([
      ['user.removed', 'admin', 'temp-desk', {}],
      ['user.role_changed', 'admin', 'temp-desk', { role: 'supervisor' }],
      ['user.created', 'admin', 'temp-desk', { role: 'operator' }],
    ]);
    expect(JSON.stringify(entries)).not.toContain('temp-desk-pass');
  });

  it('an alert acknowledged, with its note', async () => {
    const alert = await server.app.get(AlertsService).raise({ siteId: 'testsite', type: 'device.offline', subject: 'gate-1', message: 'gone' });
    const operator = (await login(server, 'operator')).token;
    expect((await post(operator, `/api/alerts/${alert.id}/ack`, { note: '已通知工程部' })).status).toBe(201);
    const [entry] = await audit('?action=alert.acknowledged');
    expect(entry).toMatchObject({ actor: 'operator', target: alert.id, details: { note: '已通知工程部' } });
  });

  it('work-order actions: created, then each event by its action', async () => {
    const operator = (await login(server, 'operator')).token;
    const created = await post(operator, '/api/work-orders', { source: 'inspection', title: '北门灯不亮', description: '巡查发现', department: 'engineering' });
    const order = created.body as WorkOrderDto;
    await post(operator, `/api/work-orders/${order.id}/events`, { action: 'dispatch', department: 'engineering', assignee: '李工' });
    await post(operator, `/api/work-orders/${order.id}/events`, { action: 'accept' });
    const refused = await post(operator, `/api/work-orders/${order.id}/events`, { action: 'close' });
    expect(refused.status).toBe(409); // not done, so not audited as done
    const entries = (await audit('?action=work_order')).filter((e: AuditEntryDto) => e.target === order.id);
    expect(entries.map((e) => [e.action, e.actor, e.details])).toEqual([
      ['work_order.accept', 'operator', {}],
      ['work_order.dispatch', 'operator', { department: 'engineering', assignee: '李工' }],
      ['work_order.created', 'operator', { source: 'inspection', title: '北门灯不亮', department: 'engineering' }],
    ]);
  });

  it('remote gate opens: answered, and timed out', async () => {
    const supervisor = (await login(server, 'supervisor')).token;
    expect((await post(supervisor, '/api/gates/gate-1/open', { reason: '救护车进入' })).status).toBe(200);
    acking = false;
    expect((await post(supervisor, '/api/gates/gate-1/open', { reason: '访客无卡' })).status).toBe(504);
    acking = true;
    const entries = await audit('?action=gate.open');
    expect(entries.map((e) => [e.actor, e.target, e.outcome, e.details.reason])).toEqual([
      ['supervisor', 'gate-1', 'timeout', '访客无卡'],
      ['supervisor', 'gate-1', 'ok', '救护车进入'],
    ]);
    expect(entries[1].details.commandId).toMatch(/^cmd-/);
  });

  it('is for admins only, and says what is wrong with a filter', async () => {
    const supervisor = (await login(server, 'supervisor')).token;
    expect((await api(server, supervisor, '/api/audit')).status).toBe(403);
    const bad = await api<{ message: string }>(server, admin, '/api/audit?action=alerts&from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('action: one of auth.login');
    expect(bad.body.message).toContain('from: an ISO 8601 date-time');
  });
});
