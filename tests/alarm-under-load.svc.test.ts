// Issue 14: a leak alarm must reach the control room while a burst of ordinary readings is still
// being applied, and never be lost. 20 temperature sensors × 1,000 QoS 1 readings (200 in flight
// each) through real MQTT.js clients over TCP; one second in, a leak sensor reports a leak. The
// `alert` event on the live socket is awaited and timed from the PUBLISH; then every handler has
// applied every stored message of its kinds, and the only alert is the leak.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type MqttClient } from 'mqtt';
import { buildTopic, deviceUsername, parseSiteConfig, type AlertDto, type HealthDto } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { EXAMPLE_DEPARTMENTS_YAML } from '../apps/server/src/sites/sites.testing';
import { openTestDatabase, type Backend, type TestDatabase } from '../apps/server/src/db/database.testing';
import { IngestService } from '../apps/server/src/ingest/ingest.service';
import { api, connectLive, login, nextEvent, startTestServer } from './support/server';

const SENSORS = 20;
const READINGS = 1_000;
const IN_FLIGHT = 200;
/**
 * Issue 9.3 asks for 1 s; this bound leaves room for a loaded CI machine. Told ahead of its commit
 * (issue 9.4), the leak reached the socket 230 ms (PostgreSQL) and 870 ms (PGlite) after its
 * PUBLISH at load average 8, its PUBACK 1.4 and 2.2 s; what remains is the server reading the
 * leak's packet among the burst's (on PGlite the database computes on the same thread).
 */
const ALARM_WITHIN_MS = 2_000;

const site = parseSiteConfig(
  `
site: { id: plant, name: 设备测试, timezone: Asia/Shanghai, heartbeatSec: 60 }
${EXAMPLE_DEPARTMENTS_YAML}sensors:
${Array.from({ length: SENSORS }, (_, i) => `  - { id: temp-${i}, name: 温度${i}, secret: secret-temp-${i}, limits: { temperature_c: { min: 0, max: 95 } } }`).join('\n')}
  - { id: leak1, name: 水泵房漏水, secret: secret-leak1, limits: { leak: { equals: true, severity: critical } } }
`,
  'plant.yaml',
);

function device(server: RunningServer, id: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = connect(`mqtt://127.0.0.1:${server.mqttPort}`, { username: deviceUsername('plant', id), password: `secret-${id}`, reconnectPeriod: 0 });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

/** 1,000 readings with at most IN_FLIGHT unacknowledged at a time. */
async function burst(client: MqttClient, id: string): Promise<void> {
  const topic = buildTopic({ site: 'plant', kind: 'sensor', device: id, stream: 'telemetry' });
  const inFlight = new Set<Promise<unknown>>();
  for (let n = 0; n < READINGS; n++) {
    const body = JSON.stringify({ id: `${id}-${n}`, ts: new Date().toISOString(), readings: { temperature_c: 50 + (n % 10) / 10, seq_n: n } });
    const p = client.publishAsync(topic, body, { qos: 1 }).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

describe.each(['postgres', 'pglite'] as Backend[])('a leak during a burst of 20,000 readings, on %s', (backend) => {
  let database: TestDatabase | undefined;
  let server: RunningServer | undefined;
  const clients: MqttClient[] = [];

  afterEach(async () => {
    for (const c of clients) c.end(true);
    await server?.close();
    await database?.drop();
  });

  it('reaches the live socket within seconds of its PUBLISH, is raised once, and every handler applies every stored message', async () => {
    database = backend === 'postgres' ? await openTestDatabase('postgres') : undefined;
    server = await startTestServer({ sites: [site], env: { databaseUrl: database?.url } });
    const token = (await login(server, 'admin', 'demo')).token;
    const live = await connectLive(server, token);
    clients.push(...(await Promise.all(Array.from({ length: SENSORS }, (_, i) => device(server!, `temp-${i}`)))));
    const leak = await device(server, 'leak1');
    clients.push(leak);

    const leakEvents: AlertDto[] = [];
    live.on('alert', (a: AlertDto) => a.subject === 'leak1:leak' && leakEvents.push(a));
    const alarm = nextEvent(live, 'alert', (a) => a.subject === 'leak1:leak').then((a) => ({ a, at: performance.now() }));
    const bursts = Promise.all(clients.slice(0, SENSORS).map((c, i) => burst(c, `temp-${i}`)));
    await new Promise((r) => setTimeout(r, 1_000)); // the alarm comes a second into the burst: this is the scenario, not a wait for state
    const publishedAt = performance.now();
    await leak.publishAsync(buildTopic({ site: 'plant', kind: 'sensor', device: 'leak1', stream: 'telemetry' }), JSON.stringify({ id: 'leak-1', ts: new Date().toISOString(), readings: { leak: true } }), { qos: 1 });
    const ackedAt = performance.now();
    const { a, at } = await alarm;
    const latency = at - publishedAt;
    const equipment = server.app.get(IngestService).handlerStats().find((h) => h.name === 'equipment')!;
    console.log(`${backend}: leak PUBACK after ${(ackedAt - publishedAt).toFixed(0)} ms, alert on the socket ${latency.toFixed(0)} ms after its PUBLISH; equipment handler then at ${equipment.applied} applied, ${equipment.pending} waiting, ${equipment.urgent} by the urgent lane`);
    expect(a).toMatchObject({ type: 'sensor.threshold', severity: 'critical', status: 'active' });
    expect(latency).toBeLessThan(ALARM_WITHIN_MS);

    await bursts;
    await server.app.get(IngestService).settled();
    const health = (await api<HealthDto>(server, token, '/api/health')).body;
    for (const h of health.handlers) expect({ name: h.name, applied: h.applied, failed: h.failed }).toEqual({ name: h.name, applied: h.stored, failed: 0 });
    expect(health.handlers.find((h) => h.name === 'equipment')).toMatchObject({ stored: SENSORS * READINGS + 1, applied: SENSORS * READINGS + 1 });
    expect(health.lagMs).toBe(0);
    const alerts = (await api<AlertDto[]>(server, token, '/api/alerts')).body;
    expect(alerts.map((x) => [x.subject, x.count])).toEqual([['leak1:leak', 1]]);
    // Told ahead, then confirmed by the stored alert under the same id; nothing withdrawn.
    expect(new Set(leakEvents.map((e) => e.id))).toEqual(new Set([alerts[0]!.id]));
    expect(leakEvents.filter((e) => e.withdrawn)).toEqual([]);
    live.close();
  }, 180_000);
});
