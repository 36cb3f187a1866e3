// Issue 8, point 1, end to end: a site file with departments of its own (none of CONTRACT §2's
// example five) and `routing` for §4's defaults. A real MQTT gate fault becomes an order for the
// site's maintenance team; complaints, dispatches, filters and the site list speak its departments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { buildTopic, type LiveEvents, type SiteDto, type WorkOrderDto } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { testSite } from '../apps/server/src/sites/sites.testing';
import { api, connectDevice, connected, connectLive, login, nextEvent, startTestServer } from './support/server';

const site = testSite('own-departments');

describe("departments are the site's own: MQTT → order → HTTP and live", () => {
  let server: RunningServer;
  let token: string;
  let live: Socket<LiveEvents>;
  let gate: MqttClient | undefined;

  beforeAll(async () => {
    server = await startTestServer({ sites: [site] });
    token = (await login(server)).token;
    live = await connectLive(server, token);
  });

  afterAll(async () => {
    live?.close();
    gate?.end(true);
    await server?.close();
  });

  const post = <T>(path: string, body: unknown) => api<T>(server, token, path, { method: 'POST', body: JSON.stringify(body) });

  it('GET /api/sites lists the site file\'s departments, names and routing', async () => {
    const { status, body } = await api<SiteDto[]>(server, token, '/api/sites');
    expect(status).toBe(200);
    expect(body[0]!.departments.map((d) => [d.id, d.name])).toEqual([
      ['patrol-team', '秩序维护部'],
      ['maintenance', '工程维修部'],
      ['greening', '绿化部'],
      ['environment', '环境部'],
      ['hotline', '热线组'],
      ['车管组', '车管组'],
    ]);
    expect(body[0]!.routing).toMatchObject({ 'gate.fault': 'maintenance' });
  });

  it('a barrier fault over MQTT is routed to the maintenance team with its SLA', async () => {
    gate = await connected(await connectDevice(server, site, 'gate', 'gate-1'));
    const ordered = nextEvent(live, 'workOrder', (o) => o.originKey === 'gate.fault:gate-1');
    const topic = buildTopic({ site: 'testsite', kind: 'gate', device: 'gate-1', stream: 'telemetry' });
    await gate.publishAsync(topic, JSON.stringify({ id: 'f-1', ts: new Date().toISOString(), barrier: 'fault', fault: 'E12' }), { qos: 1 });
    const order = await ordered;
    expect(order).toMatchObject({ department: 'maintenance', status: 'dispatched' });
    expect(Date.parse(order.acceptBy) - Date.parse(order.createdAt)).toBe(20 * 60_000);
  });

  it('a complaint goes to the hotline, is re-dispatched to 车管组 and found by that filter', async () => {
    const created = await post<WorkOrderDto>('/api/work-orders', {
      source: 'complaint',
      title: '车位被占',
      description: '3栋车位被外来车辆占用',
      department: 'hotline',
      reporter: { name: '王女士', room: '3-1102', phone: '138 0000 1234' },
      channel: 'phone',
    });
    expect(created.status).toBe(201);
    expect(created.body.department).toBe('hotline');
    const moved = await post<WorkOrderDto>(`/api/work-orders/${created.body.id}/events`, { action: 'dispatch', department: '车管组' });
    expect(moved.body).toMatchObject({ department: '车管组', status: 'dispatched' });
    const filtered = await api<WorkOrderDto[]>(server, token, `/api/work-orders?department=${encodeURIComponent('车管组')}`);
    expect(filtered.body.map((o) => o.id)).toEqual([created.body.id]);
  });

  it('a department the site lacks is a 400 that names the ones it has', async () => {
    const refused = await post<{ message: string }>('/api/work-orders', { source: 'inspection', title: '路灯不亮', description: '5栋门口', department: 'engineering' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('department: "engineering" is not a department of site testsite (departments: patrol-team, maintenance, greening, environment, hotline, 车管组)');
  });
});
