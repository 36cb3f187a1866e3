// Issue 2 end to end: a real MQTT client over TCP in; HTTP and Socket.IO out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { buildTopic, type AlertDto, type DeviceDto, type HealthDto, type LiveEvents } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { testSite } from '../apps/server/src/sites/sites.testing';
import { api, connectDevice, connected, connectLive, eventually, liveSocket, login, nextEvent, startTestServer } from './support/server';

const site = testSite();
const topic = (device: string, kind: 'gate' | 'checkpoint', stream: 'status' | 'event' | 'telemetry') =>
  buildTopic({ site: 'testsite', kind, device, stream });

describe('backbone: device → ingest → alerts → HTTP and live', () => {
  let server: RunningServer;
  let token: string;
  let live: Socket<LiveEvents>;
  let gate: MqttClient;

  beforeAll(async () => {
    server = await startTestServer();
    token = (await login(server)).token;
    live = await connectLive(server, token);
  });

  afterAll(async () => {
    live?.close();
    gate?.end(true);
    await server?.close();
  });

  it('reports health of database and broker', async () => {
    const res = await fetch(`${server.httpUrl}/api/health`);
    expect(await res.json()).toMatchObject({ status: 'ok', mqtt: 'up', db: 'up', lagMs: 0 } satisfies Partial<HealthDto>);
  });

  it('refuses a live connection without a valid token', async () => {
    const intruder = liveSocket(server, 'forged.token.value');
    const error = await new Promise<Error>((resolve) => intruder.once('connect_error', resolve));
    intruder.close();
    expect(error.message).toMatch(/unauthorized/);
  });

  it('refuses a device with the wrong secret', async () => {
    const impostor = await connectDevice(server, site, 'gate', 'gate-1', 'wrong-secret');
    await expect(connected(impostor)).rejects.toThrow();
    impostor.end(true);
  });

  it('a status with a skewed clock raises device.clock_skew live; the device shows online', async () => {
    gate = await connected(await connectDevice(server, site, 'gate', 'gate-1'));
    const alertArrives = nextEvent(live, 'alert', (a) => a.type === 'device.clock_skew' && a.subject === 'gate-1');
    const deviceArrives = nextEvent(live, 'device', (d) => d.id === 'gate-1' && d.online);
    const tenMinutesAgo = new Date(Date.now() - 600_000).toISOString();
    await gate.publishAsync(topic('gate-1', 'gate', 'status'), JSON.stringify({ id: 's-1', ts: tenMinutesAgo, online: true, fw: '2.1.0' }), { qos: 1, retain: true });
    const alert = await alertArrives;
    expect(alert).toMatchObject({ severity: 'info', status: 'active', siteId: 'testsite', count: 1 });
    expect(alert.message).toContain('设备时钟比服务器慢 600 秒');
    expect(await deviceArrives).toMatchObject({ online: true, fw: '2.1.0' });
  });

  it('an operator acknowledges it over HTTP and every screen hears of it', async () => {
    const [open] = (await api<AlertDto[]>(server, token, '/api/alerts?status=active&type=device.clock_skew')).body;
    const ackArrives = nextEvent(live, 'alert', (a) => a.id === open!.id && a.status === 'acknowledged');
    const res = await api<AlertDto>(server, token, `/api/alerts/${open!.id}/ack`, { method: 'POST', body: JSON.stringify({ note: '已联系厂家校时' }) });
    expect(res.status).toBe(201);
    expect(await ackArrives).toMatchObject({ acknowledgedBy: 'operator', ackNote: '已联系厂家校时' });
  });

  it('the same message id sent again is processed once', async () => {
    const before = (await api<AlertDto[]>(server, token, '/api/alerts?type=device.clock_skew')).body[0]!;
    const stale = new Date(Date.now() - 900_000).toISOString();
    // Same id as the first status: a redelivery. Its 15-min skew would otherwise count as a repeat.
    await gate.publishAsync(topic('gate-1', 'gate', 'status'), JSON.stringify({ id: 's-1', ts: stale, online: true }), { qos: 1 });
    // A fresh id proves the pipeline moved past the duplicate.
    const repeat = nextEvent(live, 'alert', (a) => a.id === before.id && a.count === 2);
    await gate.publishAsync(topic('gate-1', 'gate', 'status'), JSON.stringify({ id: 's-2', ts: stale, online: true }), { qos: 1 });
    expect((await repeat).count).toBe(2);
  });

  it('a bad payload is counted against the device with its reason, and a valid one still lands', async () => {
    await gate.publishAsync(topic('gate-1', 'gate', 'telemetry'), JSON.stringify({ id: 't-1', ts: new Date().toISOString(), barrier: 'half-open' }), { qos: 1 });
    await gate.publishAsync(topic('gate-1', 'gate', 'telemetry'), JSON.stringify({ id: 't-2', ts: new Date().toISOString(), barrier: 'open' }), { qos: 1 });
    const gateRow = await eventually(
      async () => (await api<DeviceDto[]>(server, token, '/api/devices')).body.find((d) => d.id === 'gate-1')!,
      (d) => d.rejectedCount === 1 && (d.lastValues as { telemetry?: { barrier?: string } }).telemetry?.barrier === 'open',
    );
    expect(gateRow.lastRejectReason).toContain('barrier');
    expect(gateRow.lastSeenAt).toBeDefined();
  });

  it('losing the connection fires the last will: device.offline is raised live', async () => {
    const offline = nextEvent(live, 'alert', (a) => a.type === 'device.offline' && a.subject === 'gate-1');
    (gate as unknown as { stream: { destroy(): void } }).stream.destroy();
    const alert = await offline;
    expect(alert).toMatchObject({ severity: 'major', status: 'active' });
    expect(alert.message).toContain('遗嘱消息');
  });

  it('an operator may not clear by hand; a supervisor may', async () => {
    const [open] = (await api<AlertDto[]>(server, token, '/api/alerts?status=active&type=device.offline')).body;
    expect((await api(server, token, `/api/alerts/${open!.id}/clear`, { method: 'POST', body: '{}' })).status).toBe(403);
    const supervisor = (await login(server, 'supervisor')).token;
    const res = await api<AlertDto>(server, supervisor, `/api/alerts/${open!.id}/clear`, { method: 'POST', body: '{"note":"设备已更换"}' });
    expect(res.body).toMatchObject({ status: 'cleared', clearedBy: 'supervisor' });
  });

  it('answers a malformed alert id with 400, not a database error', async () => {
    const res = await api<{ message: string }>(server, token, '/api/alerts/not-a-uuid/ack', { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
  });
});
