// Issue 5 (equipment) end to end: a real MQTT boiler sensor over TCP above max for forSec →
// sensor.threshold (severity from the site file) → engineering work order → back under
// max − hysteresis clears it and verifies the order; a leak (equals: true) is critical at once;
// fault / fault_cleared events raise and clear equipment.fault.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { buildTopic, parseSiteConfig, type AlertDto, type LiveEvents, type SensorDto } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { ManualClock } from '../apps/server/src/common/clock';
import { testSiteYaml } from '../apps/server/src/sites/sites.testing';
import { api, connectDevice, connected, connectLive, eventually, login, nextEvent, startTestServer } from './support/server';

const TEMPERATURE = 'temperature_c: { min: 40, max: 85, forSec: 30, hysteresis: 2 }';
const site = parseSiteConfig(testSiteYaml().replace(TEMPERATURE, `${TEMPERATURE}\n      leak: { equals: true, severity: critical }`), 'equipment-site.yaml');
const topic = (stream: 'event' | 'telemetry') => buildTopic({ site: 'testsite', kind: 'sensor', device: 'boiler-1', stream });

describe('equipment: limits with forSec and hysteresis, faults, and the work orders they raise', () => {
  let server: RunningServer;
  let clock: ManualClock;
  let token: string;
  let live: Socket<LiveEvents>;
  let boiler: MqttClient;
  let n = 0;

  beforeAll(async () => {
    expect(site.sensors[0]!.limits.leak).toBeDefined();
    clock = new ManualClock(new Date());
    server = await startTestServer({ clock, sites: [site] });
    token = (await login(server)).token;
    live = await connectLive(server, token);
    boiler = await connected(await connectDevice(server, site, 'sensor', 'boiler-1'));
  });

  afterAll(async () => {
    live?.close();
    boiler?.end(true);
    await server?.close();
  });

  const send = (stream: 'event' | 'telemetry', body: Record<string, unknown>) =>
    boiler.publishAsync(topic(stream), JSON.stringify({ id: `b-${++n}`, ts: clock.now().toISOString(), ...body }), { qos: 1 });
  const reading = (readings: Record<string, number | boolean>) => send('telemetry', { readings });
  const sensor = async () => (await api<SensorDto[]>(server, token, '/api/equipment')).body.find((s) => s.id === 'boiler-1')!;
  const limit = (s: SensorDto, metric: string) => s.limits.find((l) => l.metric === metric)!;
  const thresholds = async () => (await api<AlertDto[]>(server, token, '/api/alerts?type=sensor.threshold')).body;

  it('over max, the forSec window is pending and shown; no alert yet', async () => {
    await reading({ temperature_c: 86, leak: false });
    clock.advance(29_000);
    await reading({ temperature_c: 87 });
    const s = await eventually(sensor, (x) => x.readings.temperature_c === 87);
    expect(limit(s, 'temperature_c')).toMatchObject({ status: 'pending', max: 85, forSec: 30, hysteresis: 2, severity: 'major', lastValue: 87 });
    expect(s.readings).toEqual({ temperature_c: 87, leak: false });
    expect(await thresholds()).toEqual([]);
  });

  let orderId: string;
  it('over max for forSec raises sensor.threshold with the value and the limit, and an engineering order', async () => {
    const order = nextEvent(live, 'workOrder', (o) => o.originKey === 'sensor.threshold:boiler-1:temperature_c');
    clock.advance(1_000);
    await reading({ temperature_c: 88 });
    const o = await order;
    orderId = o.id;
    expect(o).toMatchObject({ department: 'engineering', priority: 'high', status: 'dispatched' });
    const [alert] = await thresholds();
    expect(alert).toMatchObject({ subject: 'boiler-1:temperature_c', severity: 'major', details: { value: 88, metric: 'temperature_c', breach: 'max', limit: { max: 85, hysteresis: 2 } } });
    expect(limit(await sensor(), 'temperature_c').status).toBe('raised');
  });

  it('back under max but not under max − hysteresis keeps it; under clears it and verifies the order', async () => {
    clock.advance(5_000);
    await reading({ temperature_c: 84 });
    clock.advance(5_000);
    await reading({ temperature_c: 83 }); // exactly max − hysteresis: not below it
    await eventually(sensor, (x) => x.readings.temperature_c === 83);
    expect((await thresholds())[0]!.status).toBe('active');
    const verified = nextEvent(live, 'workOrder', (o) => o.id === orderId && o.status === 'verified');
    clock.advance(5_000);
    await reading({ temperature_c: 82.5 });
    await verified;
    expect((await thresholds())[0]!.status).toBe('cleared');
  });

  it('a leak (equals: true) raises at once with the severity from the site file', async () => {
    const order = nextEvent(live, 'workOrder', (o) => o.originKey === 'sensor.threshold:boiler-1:leak');
    await reading({ leak: true });
    expect(await order).toMatchObject({ department: 'engineering', priority: 'urgent' });
    const leak = (await thresholds()).find((a) => a.subject === 'boiler-1:leak');
    expect(leak).toMatchObject({ severity: 'critical', status: 'active' });
    const cleared = nextEvent(live, 'alert', (a) => a.subject === 'boiler-1:leak' && a.status === 'cleared');
    await reading({ leak: false });
    await cleared;
  });

  it('a fault event raises equipment.fault per code; fault_cleared clears it and verifies its order', async () => {
    const order = nextEvent(live, 'workOrder', (o) => o.originKey === 'equipment.fault:boiler-1:E42');
    await send('event', { type: 'fault', code: 'E42', text: '燃烧器点火失败' });
    expect(await order).toMatchObject({ department: 'engineering', priority: 'high' });
    expect((await sensor()).faults).toEqual(['E42']);
    const verified = nextEvent(live, 'workOrder', (o) => o.originKey === 'equipment.fault:boiler-1:E42' && o.status === 'verified');
    await send('event', { type: 'fault_cleared', code: 'E42' });
    await verified;
    expect((await sensor()).faults).toEqual([]);
  });
});
