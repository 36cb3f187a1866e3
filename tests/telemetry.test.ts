// Issue 5.4 end to end: a real MQTT sensor over TCP publishes readings; GET /api/telemetry
// returns them, raw and downsampled, to an operator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { buildTopic, type TelemetryBucketDto, type TelemetryDto, type TelemetryPointDto } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { IngestService } from '../apps/server/src/ingest/ingest.service';
import { InfluxSinkService } from '../apps/server/src/telemetry/influx-sink.service';
import { testSite } from '../apps/server/src/sites/sites.testing';
import { api, connectDevice, connected, login, startTestServer } from './support/server';

const site = testSite();

describe('telemetry: MQTT sensor → telemetry rows → GET /api/telemetry', () => {
  let server: RunningServer;
  let token: string;
  let boiler: MqttClient;
  let gate: MqttClient;
  // Whole minutes in the recent past, so buckets are known in advance.
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
  const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();
  const from = at(0);
  const to = at(180);

  beforeAll(async () => {
    server = await startTestServer();
    token = (await login(server)).token;
    boiler = await connected(await connectDevice(server, site, 'sensor', 'boiler-1'));
    gate = await connected(await connectDevice(server, site, 'gate', 'gate-1'));
    const sensorTopic = buildTopic({ site: 'testsite', kind: 'sensor', device: 'boiler-1', stream: 'telemetry' });
    const readings: [number, number, boolean][] = [
      [0, 70, false],
      [20, 72, false],
      [40, 77, true],
      [60, 74, false],
      [130, 60, false],
    ];
    for (const [s, temperature, leak] of readings) {
      await boiler.publishAsync(sensorTopic, JSON.stringify({ id: `r-${s}`, ts: at(s), readings: { temperature_c: temperature, leak } }), { qos: 1 });
    }
    // QoS 1 redelivery of the first reading: stored once.
    await boiler.publishAsync(sensorTopic, JSON.stringify({ id: 'r-0', ts: at(0), readings: { temperature_c: 70, leak: false } }), { qos: 1 });
    await gate.publishAsync(buildTopic({ site: 'testsite', kind: 'gate', device: 'gate-1', stream: 'telemetry' }), JSON.stringify({ id: 'g-1', ts: at(5), barrier: 'open' }), { qos: 1 });
    await server.app.get(IngestService).settled();
  });

  afterAll(async () => {
    boiler?.end(true);
    gate?.end(true);
    await server?.close();
  });

  const get = (query: string) => api<TelemetryDto & { message?: string }>(server, token, `/api/telemetry?${query}`);

  it('raw: every metric of the sensor, once each, in time order', async () => {
    const res = await get(`device=boiler-1&from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ device: 'boiler-1', site: 'testsite', step: null, truncated: false, maxPoints: 10_000 });
    const series = Object.fromEntries(res.body.series.map((s) => [s.metric, (s.points as TelemetryPointDto[]).map((p) => p.v)]));
    expect(series).toEqual({ leak: [0, 0, 1, 0, 0], temperature_c: [70, 72, 77, 74, 60] });
    expect((res.body.series[1]!.points[0] as TelemetryPointDto).t).toBe(from);
  });

  it('step=1m: avg/min/max/count per minute', async () => {
    const res = await get(`device=boiler-1&metric=temperature_c&from=${from}&to=${to}&step=1m`);
    expect(res.status).toBe(200);
    expect(res.body.series).toEqual([
      {
        metric: 'temperature_c',
        truncated: false,
        points: [
          { t: at(0), avg: 73, min: 70, max: 77, count: 3 },
          { t: at(60), avg: 74, min: 74, max: 74, count: 1 },
          { t: at(120), avg: 60, min: 60, max: 60, count: 1 },
        ] satisfies TelemetryBucketDto[],
      },
    ]);
  });

  it('a gate barrier reads as 1 while open', async () => {
    const res = await get(`device=gate-1&from=${from}&to=${to}`);
    expect(res.body.series).toEqual([{ metric: 'barrier', truncated: false, points: [{ t: at(5), v: 1 }] }]);
  });

  it.each([
    ['', 'device: is required'],
    ['device=boiler-1&step=1w', 'step: a duration such as 10s, 1m, 5m, 1h or 1d'],
    ['device=boiler-1&from=yesterday', 'from: an ISO 8601 date-time'],
    ['device=boiler-1&metric=Temp', 'metric: a metric name'],
    ['device=boiler-1&from=2026-10-01T00:00:00Z&to=2026-11-15T00:00:00Z', 'the range is at most 31 days'],
  ])('400 for %s', async (query, message) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
  });

  it('404 for an unknown device; 401 without a token', async () => {
    expect((await get('device=no-such')).status).toBe(404);
    expect((await fetch(`${server.httpUrl}/api/telemetry?device=boiler-1`)).status).toBe(401);
  });

  it('export.csv: the same readings for Excel (BOM, a row per point, site time), signed in only', async () => {
    const url = `${server.httpUrl}/api/telemetry/export.csv?device=boiler-1&metric=temperature_c&from=${from}&to=${to}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="readings-boiler-1-\d{4}-\d{2}-\d{2}\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n');
    expect(lines[0]).toBe('site,device,time zone,time,metric,value');
    expect(lines.slice(1).map((l) => l.split(',').at(-1))).toEqual(['70', '72', '77', '74', '60']);
    expect((await fetch(url)).status).toBe(401);
  });
});

describe('telemetry with INFLUX_URL pointing at nothing', () => {
  let server: RunningServer;
  let boiler: MqttClient;

  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens, every write is refused at once.
    server = await startTestServer({ env: { influxUrl: 'http://127.0.0.1:9/estate' } });
    boiler = await connected(await connectDevice(server, site, 'sensor', 'boiler-1'));
  });

  afterAll(async () => {
    boiler?.end(true);
    await server?.close();
  });

  it('ingestion and GET /api/telemetry go on; the sink counts its failures and keeps the points', async () => {
    const topic = buildTopic({ site: 'testsite', kind: 'sensor', device: 'boiler-1', stream: 'telemetry' });
    const ts = new Date(Date.now() - 5_000).toISOString();
    await boiler.publishAsync(topic, JSON.stringify({ id: 'down-1', ts, readings: { temperature_c: 66 } }), { qos: 1 });
    await server.app.get(IngestService).settled();
    const { token } = await login(server);
    const res = await api<TelemetryDto>(server, token, '/api/telemetry?device=boiler-1&metric=temperature_c');
    expect(res.body.series).toEqual([{ metric: 'temperature_c', truncated: false, points: [{ t: ts, v: 66 }] }]);
    const sink = server.app.get(InfluxSinkService);
    await expect(sink.flush()).rejects.toThrow('InfluxDB write failed');
    expect(sink.stats()).toMatchObject({ buffered: 1, written: 0, dropped: 0 });
    expect(sink.stats()!.failures).toBeGreaterThan(0);
  });
});
