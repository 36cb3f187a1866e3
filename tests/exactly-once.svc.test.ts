// Issue 14: every stored message reaches every handler exactly once, whatever happens to the
// server. The real server runs as a child process; 24 devices (sensors with limits, a leak
// sensor, gates) send randomised bursts of QoS 1 messages through MQTT.js, which resends what
// was not acknowledged after a reconnect. Between and during bursts the server is stopped,
// killed with SIGKILL, and started again on the same database. After each burst:
// - per handler, the messages it applied equal the messages stored of its kinds (/api/health,
//   from the durable cursors), with no failure recorded;
// - nothing sent is lost or stored twice (stored = distinct ids sent);
// - every reading past a limit raised its alert, exactly as often as the pure rule says
//   (alert rows per subject = raise transitions of evaluateLimit over what was sent);
// - each lot's occupancy is the entries minus the exits sent.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type MqttClient } from 'mqtt';
import { buildTopic, deviceUsername, parseSiteConfig, type AlertDto, type HealthDto, type LoginResponse, type ParkingLotDto } from '@estate-watch/contracts';
import { evaluateLimit, INITIAL_LIMIT_STATE, type LimitState } from '@estate-watch/domain';
import { EXAMPLE_DEPARTMENTS_YAML } from '../apps/server/src/sites/sites.testing';
import { openTestDatabase, type Backend, type TestDatabase } from '../apps/server/src/db/database.testing';
import { buildServer, freePort, startServerProcess, type ServerProcess } from './support/server-process';
import { eventually } from './support/server';

const SENSORS = 16;
const GATES = 7;
const ADMIN_PASSWORD = 'exactly-once-test-admin-9f3k';
const LIMIT = { max: 80, forSec: 0, hysteresis: 5 };

const SITE_YAML = `
site: { id: eo, name: 一次性测试, timezone: Asia/Shanghai, heartbeatSec: 600 }
${EXAMPLE_DEPARTMENTS_YAML}lots:
  - { id: lot-a, name: A区车场, capacity: 100000 }
gates:
${Array.from({ length: GATES }, (_, i) => `  - { id: gate-${i}, name: ${i}号道闸, lot: lot-a, secret: secret-gate-${i} }`).join('\n')}
sensors:
${Array.from({ length: SENSORS }, (_, i) => `  - { id: temp-${i}, name: 温度${i}, secret: secret-temp-${i}, limits: { temperature_c: { max: ${LIMIT.max}, forSec: ${LIMIT.forSec}, hysteresis: ${LIMIT.hysteresis} } } }`).join('\n')}
  - { id: leak, name: 漏水, secret: secret-leak, limits: { leak: { equals: true, severity: critical } } }
`;
const site = parseSiteConfig(SITE_YAML, 'eo.yaml');

/** A small deterministic generator, so a failure can be replayed with the same seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

interface Sent {
  topic: string;
  body: Record<string, unknown>;
}

class Fleet {
  readonly clients = new Map<string, MqttClient>();
  readonly sent: { device: string; body: Record<string, unknown> }[] = [];
  private n = 0;
  private clock = Date.now();

  constructor(private readonly port: number) {}

  async connectAll(): Promise<void> {
    const ids = [...site.sensors.map((s) => s.id), ...site.gates.map((g) => g.id)];
    await Promise.all(
      ids.map(
        (id) =>
          new Promise<void>((resolve, reject) => {
            const client = connect(`mqtt://127.0.0.1:${this.port}`, {
              clientId: `eo-${id}-${process.pid}`,
              clean: false,
              username: deviceUsername('eo', id),
              password: `secret-${id}`,
              reconnectPeriod: 200,
              connectTimeout: 5_000,
            });
            client.on('error', () => undefined); // refused while the server is away: it retries
            client.once('connect', () => resolve());
            setTimeout(() => reject(new Error(`${id} did not connect`)), 30_000).unref();
            this.clients.set(id, client);
          }),
      ),
    );
  }

  /** One randomised burst: every device sends `perDevice` messages; resolves as each is acknowledged. */
  burst(random: () => number, perDevice: number, onAck: () => void): Promise<void>[] {
    const out: Promise<void>[] = [];
    for (const [id, client] of this.clients) {
      const kind = id.startsWith('gate') ? 'gate' : 'sensor';
      const msgs: Sent[] = [];
      let inside = 0;
      for (let i = 0; i < perDevice; i++) {
        const ts = new Date((this.clock += 7)).toISOString();
        const body: Record<string, unknown> = { id: `m-${++this.n}`, ts };
        let stream: 'telemetry' | 'event' = 'telemetry';
        if (kind === 'gate') {
          stream = 'event';
          const exit = inside > 0 && random() < 0.45; // a gate's own count never goes below zero
          inside += exit ? -1 : 1;
          Object.assign(body, { type: 'pass', direction: exit ? 'out' : 'in', credential: 'card' });
        } else if (id === 'leak') {
          body.readings = { leak: random() < 0.2 };
        } else {
          body.readings = { temperature_c: Math.round(60 + random() * 30) }; // 60–90: crosses 80 and 75 often
        }
        msgs.push({ topic: buildTopic({ site: 'eo', kind, device: id, stream }), body });
        this.sent.push({ device: id, body });
      }
      // In order per device (as firmware sends), up to 20 in flight.
      out.push(
        (async () => {
          const inFlight = new Set<Promise<unknown>>();
          for (const m of msgs) {
            const p = client.publishAsync(m.topic, JSON.stringify(m.body), { qos: 1 }).then(onAck);
            const tracked = p.finally(() => inFlight.delete(tracked));
            inFlight.add(tracked);
            if (inFlight.size >= 20) await Promise.race(inFlight);
          }
          await Promise.all(inFlight);
        })(),
      );
    }
    return out;
  }

  end(): void {
    for (const c of this.clients.values()) c.end(true);
  }
}

/** Alert rows each subject must have: raise transitions of the pure rule over what each sensor sent, in order. */
function expectedRaises(sent: Fleet['sent']): Map<string, number> {
  const out = new Map<string, number>();
  const states = new Map<string, LimitState>();
  for (const { device, body } of sent) {
    const sensor = site.sensors.find((s) => s.id === device);
    if (!sensor) continue;
    for (const [metric, value] of Object.entries(body.readings as Record<string, number | boolean>)) {
      const subject = `${device}:${metric}`;
      const d = evaluateLimit(sensor.limits[metric]!, states.get(subject) ?? INITIAL_LIMIT_STATE, value, new Date(body.ts as string));
      states.set(subject, d.state);
      if (d.action === 'raise') out.set(subject, (out.get(subject) ?? 0) + 1);
    }
  }
  return out;
}

describe.each(['postgres', 'pglite'] as Backend[])('exactly once across restarts and SIGKILLs, on %s', (backend) => {
  let database: TestDatabase | undefined;
  let dir: string;
  let env: Record<string, string>;
  let server: ServerProcess | undefined;
  let fleet: Fleet;
  let httpPort: number;

  beforeAll(async () => {
    buildServer();
    dir = mkdtempSync(join(tmpdir(), 'estate-eo-'));
    writeFileSync(join(dir, 'eo.yaml'), SITE_YAML);
    database = backend === 'postgres' ? await openTestDatabase('postgres') : undefined;
    httpPort = await freePort();
    env = {
      SITE_CONFIG: join(dir, 'eo.yaml'),
      ADMIN_PASSWORD,
      HTTP_PORT: String(httpPort),
      MQTT_PORT: String(await freePort()),
      // Always a directory of the test's own: with DATABASE_URL the embedded broker still keeps its
      // sessions there, and the default (./data) is where `npm start`'s PGlite must find an empty one.
      DATA_DIR: join(dir, 'data'),
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
    };
    server = await startServerProcess(env);
    fleet = new Fleet(Number(env.MQTT_PORT));
    await fleet.connectAll();
  }, 180_000);

  afterAll(async () => {
    fleet?.end();
    await server?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const http = async <T>(path: string, token?: string): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  const login = async () => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    return ((await res.json()) as LoginResponse).token;
  };

  async function check(round: string): Promise<void> {
    const health = await eventually(() => http<HealthDto>('/api/health'), (h) => h.lagMs === 0 && h.handlers.every((x) => x.applied === x.stored), 60_000);
    const token = await login();
    const sensorsSent = fleet.sent.filter((s) => !s.device.startsWith('gate')).length;
    const gatesSent = fleet.sent.length - sensorsSent;
    const by = Object.fromEntries(health.handlers.map((h) => [h.name, h]));
    console.log(`${backend} ${round}: sent ${fleet.sent.length}; stored/applied ${health.handlers.map((h) => `${h.name} ${h.applied}/${h.stored}`).join(', ')}`);
    expect(health.handlers.map((h) => h.failed)).toEqual(health.handlers.map(() => 0));
    // devices takes statuses only, and this fleet sends none
    expect({ equipment: by.equipment?.applied, parking: by.parking?.applied, devices: by.devices?.stored }).toEqual({ equipment: sensorsSent, parking: gatesSent, devices: 0 });

    const raises = expectedRaises(fleet.sent);
    const alerts = await http<AlertDto[]>('/api/alerts?type=sensor.threshold&limit=1000', token);
    const rows = new Map<string, number>();
    for (const a of alerts) rows.set(a.subject, (rows.get(a.subject) ?? 0) + 1);
    expect(Object.fromEntries([...rows].sort())).toEqual(Object.fromEntries([...raises].sort()));

    const passes = fleet.sent.filter((s) => s.body.type === 'pass');
    const inside = passes.filter((s) => s.body.direction === 'in').length - passes.filter((s) => s.body.direction === 'out').length;
    const [lot] = await http<ParkingLotDto[]>('/api/parking/lots', token);
    expect(lot?.occupancy).toBe(inside);
  }

  it('a burst, a clean stop, a SIGKILL mid-burst twice, a burst: applied = stored each time, alerts as the rule says', async () => {
    const random = rng(backend === 'postgres' ? 14 : 41);
    let acked = 0;
    const onAck = () => void acked++;

    await Promise.all(fleet.burst(random, 60, onAck));
    await check('burst 1');

    await server!.stop();
    server = await startServerProcess(env);
    await Promise.all(fleet.burst(random, 60, onAck));
    await check('after a clean restart');

    for (const k of [1, 2]) {
      acked = 0;
      const total = fleet.clients.size * 80;
      const burst = fleet.burst(random, 80, onAck);
      await eventually(async () => acked, (n) => n >= total / (k + 1), 60_000);
      await server!.kill();
      server = await startServerProcess(env); // the devices reconnect and resend what was not acknowledged
      await Promise.all(burst);
      await check(`SIGKILL ${k} mid-burst`);
    }
  }, 600_000);
});
