// Issue 10 point 5 end to end: what the screens show is pushed, each object as the HTTP list answers
// it plus a revision that only grows. A real MQTT dispenser, sensor and checkpoint over TCP; the live
// `dispenser`, `sensor` and `patrol` events come out with a revision above the one the list held
// before, above the push before them, and equal to what the list answers afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { buildTopic, parseSiteConfig, type DeviceKind, type DispenserDto, type LiveEvents, type RoundDto, type SensorDto } from '@estate-watch/contracts';
import { localDateOf, localTimeOf } from '@estate-watch/domain';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { ManualClock } from '../apps/server/src/common/clock';
import { testSiteYaml } from '../apps/server/src/sites/sites.testing';
import { api, connectDevice, connected, connectLive, login, nextEvent, startTestServer } from './support/server';

const MIN = 60_000;
const CARD = '04A1B2C3D4E5F6';
// As in patrol.test.ts: the round starts at R − 8 min (tolerance 1), cp-1's window [R−9, R−7], cp-2's [R−7, R−5].
const R = Math.floor(Date.now() / MIN) * MIN;
const START = new Date(R - 8 * MIN);
const site = parseSiteConfig(
  testSiteYaml().replace(
    '{ id: r1, name: 日间巡查, schedule: ["09:30"], checkpoints: [{ checkpoint: cp-1, offsetMin: 0 }, { checkpoint: cp-2, offsetMin: 20 }] }',
    `{ id: r1, name: 日间巡查, toleranceMin: 1, schedule: ["${localTimeOf(START, 'Asia/Shanghai')}"], checkpoints: [{ checkpoint: cp-1, offsetMin: 0 }, { checkpoint: cp-2, offsetMin: 2 }] }`,
  ),
  'live-push.yaml',
);
const localDate = localDateOf(START, 'Asia/Shanghai');

describe('live pushes carry a revision that only grows: dispensers, sensors, rounds', () => {
  let server: RunningServer;
  let clock: ManualClock;
  let token: string;
  let live: Socket<LiveEvents>;
  const devices: MqttClient[] = [];
  let n = 0;

  beforeAll(async () => {
    clock = new ManualClock(new Date(R - 10 * MIN)); // the site is first seen before the round starts
    server = await startTestServer({ clock, sites: [site], patrolSweepIntervalMs: 20 });
    token = (await login(server)).token;
    live = await connectLive(server, token);
  });

  afterAll(async () => {
    live?.close();
    for (const d of devices) d.end(true);
    await server?.close();
  });

  const device = async (kind: DeviceKind, id: string) => {
    const client = await connected(await connectDevice(server, site, kind, id));
    devices.push(client);
    return client;
  };
  const publish = (client: MqttClient, kind: DeviceKind, id: string, stream: 'event' | 'telemetry', body: Record<string, unknown>, ts = clock.now()) =>
    client.publishAsync(buildTopic({ site: 'testsite', kind, device: id, stream }), JSON.stringify({ id: `p-${++n}`, ts: ts.toISOString(), ...body }), { qos: 1 });
  const listed = async <T extends { id: string }>(path: string, id: string) => (await api<T[]>(server, token, path)).body.find((x) => x.id === id)!;

  it('a dispenser level: the live `dispenser` event, a higher revision each time, the list answers the same', async () => {
    const before = await listed<DispenserDto>('/api/consumables/dispensers', 'soap-1');
    expect(before).toMatchObject({ level: null, revision: 0 });
    const soap = await device('dispenser', 'soap-1');

    const first = nextEvent(live, 'dispenser', (d) => d.id === 'soap-1' && d.level === 60);
    await publish(soap, 'dispenser', 'soap-1', 'telemetry', { level: 60, battery: 90 });
    const a = await first;
    expect(a.revision).toBeGreaterThan(before.revision);

    const second = nextEvent(live, 'dispenser', (d) => d.id === 'soap-1' && d.level === 19);
    await publish(soap, 'dispenser', 'soap-1', 'telemetry', { level: 19, battery: 90 });
    const b = await second;
    expect(b.revision).toBeGreaterThan(a.revision);
    // The push follows the alert its level raised, with the order the alert made.
    expect(b.openAlert).toMatchObject({ type: 'dispenser.low', workOrderId: expect.any(String) });
    expect(await listed<DispenserDto>('/api/consumables/dispensers', 'soap-1')).toEqual(b);
  });

  it('a sensor reading: the live `sensor` event with its limit state judged, a higher revision each time', async () => {
    const before = await listed<SensorDto>('/api/equipment', 'boiler-1');
    const boiler = await device('sensor', 'boiler-1');

    const first = nextEvent(live, 'sensor', (s) => s.id === 'boiler-1' && s.readings.temperature_c === 60);
    await publish(boiler, 'sensor', 'boiler-1', 'telemetry', { readings: { temperature_c: 60 } });
    const a = await first;
    expect(a.revision).toBeGreaterThan(before.revision);
    expect(a.limits[0]).toMatchObject({ metric: 'temperature_c', status: 'ok' });

    const second = nextEvent(live, 'sensor', (s) => s.id === 'boiler-1' && s.readings.temperature_c === 90);
    await publish(boiler, 'sensor', 'boiler-1', 'telemetry', { readings: { temperature_c: 90 } });
    const b = await second;
    expect(b.revision).toBeGreaterThan(a.revision);
    expect(b.limits[0]).toMatchObject({ status: 'pending', lastValue: 90 }); // over max 85, forSec 30 not over

    const third = nextEvent(live, 'sensor', (s) => s.id === 'boiler-1' && s.faults.includes('E21'));
    await publish(boiler, 'sensor', 'boiler-1', 'event', { type: 'fault', code: 'E21' });
    expect((await third).revision).toBeGreaterThan(b.revision);
    expect(await listed<SensorDto>('/api/equipment', 'boiler-1')).toEqual(await third);
  });

  it('a tap, then a window closing with none: the live `patrol` event, a higher revision each time', async () => {
    const round = async () => (await api<RoundDto[]>(server, token, `/api/patrol/rounds?date=${localDate}`)).body.find((r) => r.routeId === 'r1' && r.start === START.toISOString())!;
    const before = await round();
    expect(before.revision).toEqual(expect.any(Number));

    clock.set(START);
    const cp1 = await device('checkpoint', 'cp-1');
    const visited = nextEvent(live, 'patrol', (r) => r.id === before.id && r.checkpoints[0]!.outcome === 'on_time');
    await publish(cp1, 'checkpoint', 'cp-1', 'event', { type: 'tap', card: CARD }, new Date(START.getTime() + 20_000));
    const tapped = await visited;
    expect(tapped.revision).toBeGreaterThan(before.revision!);

    // The sweep's miss is saved by compare-and-set: its push carries the revision that save gave it.
    const completed = nextEvent(live, 'patrol', (r) => r.id === before.id && r.status === 'completed');
    clock.set(new Date(R - 5 * MIN + 1));
    const missed = await completed;
    expect(missed.checkpoints[1]!.outcome).toBe('missed');
    expect(missed.revision).toBeGreaterThan(tapped.revision!);
    expect(await round()).toEqual(missed);
  });
});
