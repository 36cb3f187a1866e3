// Issue 3 end to end: a real MQTT device drops off → a work order appears over HTTP and live;
// it comes back → the order is verified with the device's evidence. Escalation by the start-up sweep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { buildTopic, type LiveEvents, type WorkOrderDto } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { ManualClock } from '../apps/server/src/common/clock';
import { testSite } from '../apps/server/src/sites/sites.testing';
import { api, connectDevice, connected, connectLive, login, nextEvent, startTestServer } from './support/server';

const site = testSite();
const statusTopic = buildTopic({ site: 'testsite', kind: 'gate', device: 'gate-1', stream: 'status' });

describe('work orders: device → alert → work order → HTTP and live', () => {
  let server: RunningServer;
  let clock: ManualClock;
  let token: string;
  let live: Socket<LiveEvents>;
  let gate: MqttClient | undefined;
  let orderId: string;

  beforeAll(async () => {
    clock = new ManualClock(new Date());
    // The deadline sweep every 20 ms of real time, on the virtual clock: escalation without sleeping through an SLA.
    server = await startTestServer({ clock, deadlineSweepIntervalMs: 20 });
    token = (await login(server)).token;
    live = await connectLive(server, token);
  });

  afterAll(async () => {
    live?.close();
    gate?.end(true);
    await server?.close();
  });

  const online = (client: MqttClient, id: string) =>
    client.publishAsync(statusTopic, JSON.stringify({ id, ts: clock.now().toISOString(), online: true }), { qos: 1, retain: true });

  it('a gate that loses its connection (last will) gets an engineering order, live and over HTTP', async () => {
    gate = await connected(await connectDevice(server, site, 'gate', 'gate-1'));
    const isOnline = nextEvent(live, 'device', (d) => d.id === 'gate-1' && d.online);
    await online(gate, 'on-1');
    await isOnline;

    const orderArrives = nextEvent(live, 'workOrder', (o) => o.originKey === 'device.offline:gate-1');
    (gate as unknown as { stream: { destroy(): void } }).stream.destroy();
    const order = await orderArrives;
    orderId = order.id;
    expect(order).toMatchObject({ source: 'alert', status: 'dispatched', department: 'engineering', priority: 'high', createdBy: 'system' });
    expect(order.alertIds).toHaveLength(1);

    const listed = await api<WorkOrderDto[]>(server, token, '/api/work-orders?status=open&source=alert&department=engineering');
    expect(listed.body.map((o) => o.id)).toEqual([order.id]);
    const [alert] = (await api<{ id: string; workOrderId?: string }[]>(server, token, '/api/alerts?type=device.offline')).body;
    expect(alert).toMatchObject({ id: order.alertIds[0], workOrderId: order.id });
  });

  it('the control room records the department accepting it', async () => {
    const accepted = nextEvent(live, 'workOrder', (o) => o.id === orderId && o.status === 'accepted');
    const res = await api<WorkOrderDto>(server, token, `/api/work-orders/${orderId}/events`, { method: 'POST', body: JSON.stringify({ action: 'accept', note: '工程部李师傅已接单' }) });
    expect(res.status).toBe(201);
    expect((await accepted).timeline.at(-1)).toMatchObject({ by: 'operator', action: 'accept', from: 'dispatched', to: 'accepted' });
  });

  it('the gate back online verifies the order, with the evidence on the timeline', async () => {
    gate = await connected(await connectDevice(server, site, 'gate', 'gate-1'));
    const verified = nextEvent(live, 'workOrder', (o) => o.id === orderId && o.status === 'verified');
    await online(gate, 'on-2');
    const order = await verified;
    expect(order.timeline.at(-1)).toMatchObject({ by: 'system', action: 'verify', from: 'accepted', to: 'verified' });
    expect(order.timeline.at(-1)!.note).toMatch(/^设备确认恢复：device\.offline 已于 \S+Z 清除$/);
    const read = await api<WorkOrderDto>(server, token, `/api/work-orders/${orderId}`);
    expect(read.body).toMatchObject({ status: 'verified', allowedActions: ['reopen', 'close', 'comment'] });
  });

  it('a complaint not accepted within the service centre SLA is escalated by the running sweep', async () => {
    const created = await api<WorkOrderDto>(server, token, '/api/work-orders', {
      method: 'POST',
      body: JSON.stringify({ source: 'complaint', title: '噪音扰民', description: '夜间装修噪音', reporter: { name: '赵女士', room: '1-502', phone: '13700002222' }, channel: 'phone' }),
    });
    expect(created.status).toBe(201);
    const escalated = nextEvent(live, 'workOrder', (o) => o.id === created.body.id && o.escalated);
    clock.set(new Date(new Date(created.body.acceptBy).getTime() + 1));
    const order = await escalated;
    expect(order).toMatchObject({ priority: 'high', acceptEscalatedAt: clock.now().toISOString() });
    expect(order.timeline.at(-1)).toMatchObject({ by: 'system', action: 'escalate' });
  });
});
