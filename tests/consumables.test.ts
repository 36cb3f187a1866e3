// Issue 5 (consumables) end to end: a real MQTT dispenser over TCP drains → dispenser.low makes a
// cleaning replenish order → dispenser.empty raises its priority → a refill clears both and the
// order is verified by the device; the level rising above lowPct does the same without a refill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { buildTopic, type AlertDto, type DispenserDto, type LiveEvents } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { ManualClock } from '../apps/server/src/common/clock';
import { testSite } from '../apps/server/src/sites/sites.testing';
import { api, connectDevice, connected, connectLive, eventually, login, nextEvent, startTestServer } from './support/server';

const site = testSite();
const topic = (stream: 'event' | 'telemetry') => buildTopic({ site: 'testsite', kind: 'dispenser', device: 'soap-1', stream });
const MIN = 60_000;

describe('consumables: a dispenser drains, is refilled, and its replenish order closes the loop', () => {
  let server: RunningServer;
  let clock: ManualClock;
  let token: string;
  let live: Socket<LiveEvents>;
  let soap: MqttClient;
  let n = 0;
  let orderId: string;

  beforeAll(async () => {
    clock = new ManualClock(new Date());
    server = await startTestServer({ clock });
    token = (await login(server)).token;
    live = await connectLive(server, token);
    soap = await connected(await connectDevice(server, site, 'dispenser', 'soap-1'));
  });

  afterAll(async () => {
    live?.close();
    soap?.end(true);
    await server?.close();
  });

  const send = (stream: 'event' | 'telemetry', body: Record<string, unknown>) =>
    soap.publishAsync(topic(stream), JSON.stringify({ id: `s-${++n}`, ts: clock.now().toISOString(), ...body }), { qos: 1 });
  const level = (value: number) => send('telemetry', { level: value, battery: 87 });
  const dispenser = async () => (await api<DispenserDto[]>(server, token, '/api/consumables/dispensers')).body.find((d) => d.id === 'soap-1')!;

  it('drains at 20 %/h: the rate and the expected time to empty are answered', async () => {
    await level(60);
    clock.advance(30 * MIN);
    await level(50);
    clock.advance(30 * MIN);
    await level(40);
    const d = await eventually(dispenser, (x) => x.level === 40);
    expect(d).toMatchObject({ level: 40, battery: 87, ratePctPerHour: 20, lowPct: 20, emptyPct: 5 });
    expect(d.expectedEmptyAt).toBe(new Date(clock.now().getTime() + 2 * 3600_000).toISOString());
    expect(d.openAlert).toBeUndefined();
  });

  it('at lowPct dispenser.low raises a cleaning replenish order', async () => {
    const order = nextEvent(live, 'workOrder', (o) => o.originKey === 'replenish:soap-1');
    clock.advance(60 * MIN);
    await level(20); // exactly lowPct is low
    const o = await order;
    orderId = o.id;
    expect(o).toMatchObject({ source: 'alert', department: 'cleaning', priority: 'normal', status: 'dispatched' });
    expect((await dispenser()).openAlert).toMatchObject({ type: 'dispenser.low', severity: 'minor', workOrderId: o.id });
  });

  it('at emptyPct dispenser.empty joins the same order and raises its priority', async () => {
    const raised = nextEvent(live, 'workOrder', (o) => o.id === orderId && o.priority === 'high');
    clock.advance(30 * MIN);
    await level(5);
    const o = await raised;
    expect(o.alertIds).toHaveLength(2);
    expect((await dispenser()).openAlert).toMatchObject({ type: 'dispenser.empty', severity: 'major', workOrderId: orderId });
    // Repeated reports of the same level do not add alerts or repeats.
    await level(5);
    await level(4);
    const open = (await api<AlertDto[]>(server, token, '/api/alerts?status=active&subject=soap-1')).body;
    expect(open.map((a) => [a.type, a.count]).sort()).toEqual([['dispenser.empty', 1], ['dispenser.low', 1]]);
  });

  it('a refill event clears both alerts and the device verifies the order', async () => {
    const verified = nextEvent(live, 'workOrder', (o) => o.id === orderId && o.status === 'verified');
    clock.advance(10 * MIN);
    await send('event', { type: 'refill' });
    const o = await verified;
    expect(o.timeline.at(-1)).toMatchObject({ by: 'system', action: 'verify' });
    const alerts = (await api<AlertDto[]>(server, token, '/api/alerts?subject=soap-1')).body;
    expect(alerts.map((a) => a.status)).toEqual(['cleared', 'cleared']);
    await level(100);
    const d = await eventually(dispenser, (x) => x.level === 100);
    expect(d.openAlert).toBeUndefined();
    expect(d.lastRefillAt).toBeDefined();
    // The rise of the refill does not count as consumption: still 20 %/h over what was used.
    expect(d.ratePctPerHour).toBeGreaterThan(15);
  });

  it('without a refill event, the level rising above lowPct clears dispenser.low and verifies a new order', async () => {
    const order = nextEvent(live, 'workOrder', (o) => o.originKey === 'replenish:soap-1' && o.id !== orderId);
    clock.advance(30 * MIN);
    await level(15);
    const second = await order;
    expect(second.priority).toBe('normal');
    const verified = nextEvent(live, 'workOrder', (o) => o.id === second.id && o.status === 'verified');
    clock.advance(5 * MIN);
    await level(20.5);
    await verified;
  });
});
