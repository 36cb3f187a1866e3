// INFLUX_URL end to end on a real InfluxDB 1.x (Debian `influxdb`, started by .ci/run on 8086):
// readings published over MQTT reach InfluxDB through the real ingest path, read back with InfluxQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxDB } from 'influx';
import type { MqttClient } from 'mqtt';
import { buildTopic } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { testSite } from '../apps/server/src/sites/sites.testing';
import { InfluxSinkService } from '../apps/server/src/telemetry/influx-sink.service';
import { connectDevice, connected, startTestServer } from './support/server';

const INFLUX = process.env.TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const database = `estate_test_${Math.random().toString(36).slice(2, 10)}`;
const site = testSite();

describe('telemetry → InfluxDB (INFLUX_URL)', () => {
  let server: RunningServer;
  let influx: InfluxDB;
  const clients: MqttClient[] = [];
  // One base for the whole test: recomputing "now" per call moved the expected times across a second boundary.
  const base = Math.floor(Date.now() / 1000) * 1000;
  const ts = (secondsAgo: number) => new Date(base - secondsAgo * 1000);

  beforeAll(async () => {
    influx = new InfluxDB(`${INFLUX}/${database}`);
    await influx.ping(2000).then((hosts) => {
      if (!hosts.some((h) => h.online)) throw new Error(`no InfluxDB at ${INFLUX}: .ci/run installs and starts it (apt-get install influxdb; influxd -config /etc/influxdb/influxdb.conf)`);
    });
    server = await startTestServer({ env: { influxUrl: `${INFLUX}/${database}` } });
  });

  afterAll(async () => {
    for (const c of clients) c.end(true);
    await server?.close();
    await influx?.dropDatabase(database).catch(() => undefined);
  });

  it('sensor, dispenser and gate readings become points: measurement per kind, tags site/device, a field per metric, device time', async () => {
    const boiler = await connected(await connectDevice(server, site, 'sensor', 'boiler-1'));
    const soap = await connected(await connectDevice(server, site, 'dispenser', 'soap-1'));
    const gate = await connected(await connectDevice(server, site, 'gate', 'gate-1'));
    clients.push(boiler, soap, gate);
    const topic = (kind: 'sensor' | 'dispenser' | 'gate', device: string) => buildTopic({ site: 'testsite', kind, device, stream: 'telemetry' });
    await boiler.publishAsync(topic('sensor', 'boiler-1'), JSON.stringify({ id: 'b1', ts: ts(30).toISOString(), readings: { temperature_c: 71.5, leak: false } }), { qos: 1 });
    await boiler.publishAsync(topic('sensor', 'boiler-1'), JSON.stringify({ id: 'b2', ts: ts(20).toISOString(), readings: { temperature_c: 73, leak: true } }), { qos: 1 });
    await boiler.publishAsync(topic('sensor', 'boiler-1'), JSON.stringify({ id: 'b2', ts: ts(20).toISOString(), readings: { temperature_c: 73, leak: true } }), { qos: 1 });
    await soap.publishAsync(topic('dispenser', 'soap-1'), JSON.stringify({ id: 's1', ts: ts(25).toISOString(), level: 18, battery: 64 }), { qos: 1 });
    await gate.publishAsync(topic('gate', 'gate-1'), JSON.stringify({ id: 'g1', ts: ts(15).toISOString(), barrier: 'fault', fault: 'E7' }), { qos: 1 });

    await server.app.get(InfluxSinkService).flush();

    const sensor = await influx.query<{ temperature_c: number; leak: number; site: string; device: string }>(
      `SELECT temperature_c, leak, site, device FROM sensor WHERE device = 'boiler-1' ORDER BY time`,
    );
    expect(sensor.map((r) => ({ time: r.time.toISOString(), temperature_c: r.temperature_c, leak: r.leak, site: r.site, device: r.device }))).toEqual([
      { time: ts(30).toISOString(), temperature_c: 71.5, leak: 0, site: 'testsite', device: 'boiler-1' },
      { time: ts(20).toISOString(), temperature_c: 73, leak: 1, site: 'testsite', device: 'boiler-1' },
    ]);
    const [dispenser] = await influx.query<{ level: number; battery: number }>(`SELECT level, battery FROM dispenser WHERE site = 'testsite' AND device = 'soap-1'`);
    expect(dispenser).toMatchObject({ level: 18, battery: 64 });
    const [barrier] = await influx.query<{ barrier: number }>(`SELECT barrier FROM gate WHERE device = 'gate-1'`);
    expect(barrier).toMatchObject({ barrier: 2 });
    expect(server.app.get(InfluxSinkService).stats()).toMatchObject({ written: 4, dropped: 0 });
  });
});
