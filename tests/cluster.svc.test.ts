// Issue 11: three servers on one Mosquitto and one PostgreSQL split the work, one is killed with
// SIGKILL mid-stream, and nothing is lost, nothing happens twice, every screen sees everything.
// 100 devices (40 sensors with limits, half of them critical: their alarms take the urgent lane
// on whichever server applies equipment; 40 gates, 20 checkpoints) send 10,000 QoS 1 messages
// through MQTT.js (which resends what was not acknowledged). Checked afterwards, on the database
// and on the live sockets of the survivors:
// - stored = distinct ids sent (0 lost, 0 stored twice); each handler applied = stored of its kinds;
// - sensor alerts per subject = raise transitions of the pure rule over what was sent; occupancy = in - out;
// - one patrol.missed alert per closed window; every late work order escalated, once;
// - every alert in the database reached the socket on each survivor, whichever server raised it;
// - a remote gate open through a server that does not consume that gate gets the gate's ack;
// - the killed server's shards are consumed again within 15 s (printed: the takeover time).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, LIVE_NAMESPACE, type DeviceKind, parseSiteConfig, type AlertDto, type HealthDto, type LoginResponse, type WorkOrderDto } from '@estate-watch/contracts';
import { evaluateLimit, INITIAL_LIMIT_STATE, type LimitState } from '@estate-watch/domain';
import { shardOf } from '../apps/server/src/broker/external-broker-shards';
import { openTestDatabase, type TestDatabase } from '../apps/server/src/db/database.testing';
import { clusterHealth, startCluster, startMosquitto, type ClusterServer, type Mosquitto } from './support/cluster-harness';
import { buildServer } from './support/server-process';
import { eventually } from './support/server';

const SENSORS = 40;
const GATES = 40;
/** Checkpoints that send taps (cp-0 …); the unwalked route's four send nothing. */
const CHECKPOINTS = 20;
const PER_DEVICE = 100;
const SHARDS = 12;
const ADMIN_PASSWORD = 'cluster-test-admin-7q2m';
const CARD = '04A1B2C3D4E5F6';
const LIMIT = { max: 80, hysteresis: 5 };
/** Checkpoints of the route nobody walks: each window closing is one missed alert. */
const UNWALKED = ['cp-20', 'cp-21', 'cp-22', 'cp-23'];

/** The route's start: the UTC minute that begins 150-210 s from now (tolerance 0: its window closes then). */
const windowCloses = new Date(Math.ceil((Date.now() + 150_000) / 60_000) * 60_000);
const hhmm = windowCloses.toISOString().slice(11, 16);

const SITE_YAML = `
site: { id: cl, name: 集群测试, timezone: UTC, heartbeatSec: 3600 }
departments:
  - { id: security,    name: 安管部, sla: { acceptMin: 1, resolveMin: 60 } }
  - { id: cleaning,    name: 保洁部, sla: { acceptMin: 15, resolveMin: 120 } }
  - { id: engineering, name: 工程部, sla: { acceptMin: 1, resolveMin: 240 } }
  - { id: parking,     name: 车场,   sla: { acceptMin: 5,  resolveMin: 30 } }
  - { id: service,     name: 客户服务中心, sla: { acceptMin: 10, resolveMin: 1440 } }
guards:
  - { id: G01, name: 张伟, card: ${CARD} }
checkpoints:
${Array.from({ length: CHECKPOINTS + UNWALKED.length }, (_, i) => `  - { id: cp-${i}, name: 点${i}, x: ${i}, y: ${i}, secret: secret-cp-${i} }`).join('\n')}
routes:
  - { id: unwalked, name: 无人巡查, toleranceMin: 0, schedule: ["${hhmm}"], checkpoints: [${UNWALKED.map((c) => `{ checkpoint: ${c}, offsetMin: 0 }`).join(', ')}] }
lots:
  - { id: lot-a, name: A区, capacity: 100000 }
gates:
${Array.from({ length: GATES }, (_, i) => `  - { id: gate-${i}, name: ${i}号道闸, lot: lot-a, secret: secret-gate-${i} }`).join('\n')}
sensors:
${Array.from({ length: SENSORS }, (_, i) => `  - { id: temp-${i}, name: 温度${i}, secret: secret-temp-${i}, limits: { temperature_c: { max: ${LIMIT.max}, forSec: 0, hysteresis: ${LIMIT.hysteresis}${i % 2 === 0 ? ', severity: critical' : ''} } } }`).join('\n')}
`;
const site = parseSiteConfig(SITE_YAML, 'cl.yaml');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

interface Sent {
  device: string;
  topic: string;
  body: Record<string, unknown>;
}

/** Every device's messages, in the order it sends them. */
function plan(random: () => number): Map<string, Sent[]> {
  const out = new Map<string, Sent[]>();
  let clock = Date.now() - 60_000;
  let n = 0;
  const devices: [DeviceKind, string][] = [...site.sensors.map((s) => ['sensor', s.id] as [DeviceKind, string]), ...site.gates.map((g) => ['gate', g.id] as [DeviceKind, string]), ...site.checkpoints.filter((c) => !UNWALKED.includes(c.id)).map((c) => ['checkpoint', c.id] as [DeviceKind, string])];
  for (const [kind, id] of devices) {
    const msgs: Sent[] = [];
    let inside = 0;
    for (let i = 0; i < PER_DEVICE; i++) {
      const body: Record<string, unknown> = { id: `m-${++n}`, ts: new Date((clock += 3)).toISOString() };
      let stream: 'telemetry' | 'event' = 'event';
      if (kind === 'sensor') {
        stream = 'telemetry';
        body.readings = { temperature_c: Math.round(60 + random() * 30) }; // 60-90: crosses 80 and 75 often
      } else if (kind === 'gate') {
        const exit = inside > 0 && random() < 0.45;
        inside += exit ? -1 : 1;
        Object.assign(body, { type: 'pass', direction: exit ? 'out' : 'in', credential: 'card' });
      } else {
        Object.assign(body, { type: 'tap', card: CARD });
      }
      msgs.push({ device: id, topic: buildTopic({ site: 'cl', kind, device: id, stream }), body });
    }
    out.set(id, msgs);
  }
  return out;
}

function expectedRaises(sent: Map<string, Sent[]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const sensor of site.sensors) {
    let state: LimitState = INITIAL_LIMIT_STATE;
    for (const { body } of sent.get(sensor.id) ?? []) {
      const d = evaluateLimit(sensor.limits.temperature_c!, state, (body.readings as { temperature_c: number }).temperature_c, new Date(body.ts as string));
      state = d.state;
      if (d.action === 'raise') out.set(`${sensor.id}:temperature_c`, (out.get(`${sensor.id}:temperature_c`) ?? 0) + 1);
    }
  }
  return out;
}

async function connectDevice(url: string, id: string): Promise<MqttClient> {
  const client = connect(url, { clientId: `cl-${id}-${process.pid}`, clean: false, reconnectPeriod: 200, connectTimeout: 5_000 });
  client.on('error', () => undefined);
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  return client;
}

/** Sends a device's messages in order, up to 20 unacknowledged. */
async function send(client: MqttClient, msgs: Sent[], acked: () => void): Promise<void> {
  const inFlight = new Set<Promise<unknown>>();
  for (const m of msgs) {
    const p = client.publishAsync(m.topic, JSON.stringify(m.body), { qos: 1 }).then(acked);
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= 20) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

describe('three servers on one broker and one database (issue 11)', () => {
  let mosquitto: Mosquitto;
  let database: TestDatabase;
  let dir: string;
  let servers: ClusterServer[];
  const devices = new Map<string, MqttClient>();
  const sockets = new Map<string, Socket>();
  /** When the victim was killed (wall clock), for the diagnosis of a failure. */
  let killedWall = 0;
  /** Per server's socket: alert ids seen, and per work order how often it turned escalated. */
  const seen = new Map<string, { alerts: Set<string>; escalations: Map<string, number>; escalated: Set<string> }>();

  beforeAll(async () => {
    buildServer();
    dir = mkdtempSync(join(tmpdir(), 'estate-cluster-'));
    writeFileSync(join(dir, 'cl.yaml'), SITE_YAML);
    [mosquitto, database] = await Promise.all([startMosquitto(), openTestDatabase('postgres')]);
    servers = await startCluster(3, {
      SITE_CONFIG: join(dir, 'cl.yaml'),
      ADMIN_PASSWORD,
      MQTT_URL: mosquitto.url,
      DATABASE_URL: database.url as string,
      MQTT_CLIENT_ID: `clt${process.pid}`.slice(0, 16),
      MQTT_SHARDS: String(SHARDS),
    });
    // Each server holds its share of the shards.
    await eventually(() => Promise.all(servers.map(clusterHealth)), (hs) => hs.every((h) => h.servers === 3 && h.shards.length === SHARDS / 3), 60_000);
    const token = await login(servers[0]!);
    for (const server of servers) {
      const socket = io(`${server.url}${LIVE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
      await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));
      const mine = { alerts: new Set<string>(), escalations: new Map<string, number>(), escalated: new Set<string>() };
      socket.on('alert', (a: AlertDto) => mine.alerts.add(a.id));
      socket.on('workOrder', (o: WorkOrderDto) => {
        if (o.escalated && !mine.escalated.has(o.id)) mine.escalations.set(o.id, (mine.escalations.get(o.id) ?? 0) + 1);
        if (o.escalated) mine.escalated.add(o.id);
      });
      sockets.set(server.node, socket);
      seen.set(server.node, mine);
    }
    for (const id of [...site.sensors, ...site.gates, ...site.checkpoints].map((d) => d.id).filter((id) => !UNWALKED.includes(id))) devices.set(id, await connectDevice(mosquitto.url, id));
  }, 300_000);

  afterAll(async () => {
    // Each server's log, for a failing run.
    for (const s of servers ?? []) writeFileSync(join(tmpdir(), `estate-cluster-test-${s.node}.log`), s.output());
    for (const s of sockets.values()) s.close();
    for (const d of devices.values()) d.end(true);
    await Promise.all((servers ?? []).map((s) => (s.child.exitCode === null && s.child.signalCode === null ? s.stop() : undefined)));
    await mosquitto?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const login = async (server: ClusterServer): Promise<string> => {
    const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    return ((await res.json()) as LoginResponse).token;
  };
  const sql = <T>(text: string, params: unknown[] = []) => database.db.query<T>(text, params);

  it('splits 10,000 messages, survives a SIGKILL and applies everything once', async () => {
    const sent = plan(rng(11));
    const total = [...sent.values()].reduce((n, m) => n + m.length, 0);
    expect(total).toBe(10_000);
    const victim = servers[1]!;
    let acked = 0;
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    const before = await Promise.all(servers.map(clusterHealth));
    const started = performance.now();
    await Promise.all(
      [...sent].map(([id, msgs]) =>
        send(devices.get(id)!, msgs, () => {
          if (++acked === Math.floor(total / 3) && !killing) {
            killedAt = performance.now();
            killedWall = Date.now();
            killing = victim.kill();
          }
        }),
      ),
    );
    await killing;
    const streamSec = (performance.now() - started) / 1000;

    // Takeover: every shard and handler lease held again, none by the dead server.
    const units = (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM cluster_leases WHERE name LIKE 'mqtt:%' OR name LIKE 'handler:%'`))[0]!.n;
    await eventually(
      () => sql<{ holder: string }>(`SELECT holder FROM cluster_leases WHERE expires_at > now() AND (name LIKE 'mqtt:%' OR name LIKE 'handler:%')`),
      (rows) => rows.length === units && rows.every((r) => r.holder !== victim.node),
      30_000,
    );
    const seenSec = (performance.now() - killedAt) / 1000;
    // When the last of its leases was taken (the database's clock; same machine).
    const [taken] = await sql<{ at: Date }>(`SELECT max(acquired_at) AS at FROM cluster_leases WHERE acquired_at > $1`, [new Date(killedWall)]);
    const takeoverSec = ((taken?.at?.getTime() ?? Date.now()) - killedWall) / 1000;
    for (const s of servers) if (s !== victim) console.log(s.output().split('\n').filter((l) => /\[Cluster\]/.test(l)).map((l) => `${s.node}: ${l.replace(/\x1b\[[0-9;]*m/g, '')}`).join('\n'));
    const survivors = servers.filter((s) => s !== victim);
    const after = await Promise.all(survivors.map(clusterHealth));
    console.log(
      `cluster: ${total} messages in ${streamSec.toFixed(1)} s; killed ${victim.node} after ${Math.floor(total / 3)} acks; takeover (all its leases re-held) ${takeoverSec.toFixed(1)} s (seen here after ${seenSec.toFixed(1)} s) ` +
        `with the default lease (8 s); ingested per server: ${after.map((h) => `${h.node} ${h.ingested} (shards ${h.shards.join(',')})`).join(', ')}; ` +
        `${victim.node} held shards ${before.find((h) => h.node === victim.node)?.shards.join(',')} before`,
    );
    expect(takeoverSec).toBeLessThan(15);
    for (const h of after) expect(h.ingested).toBeGreaterThan(0);

    // 0 lost, 0 stored twice.
    // The dead server's shards were queued in the broker meanwhile: the new holders drain them.
    const stored = await eventually(
      async () => (await sql<{ rows: number; ids: number }>(`SELECT count(*)::int AS rows, count(DISTINCT msg_id)::int AS ids FROM device_messages WHERE msg_id LIKE 'm-%'`))[0]!,
      (s) => s.rows >= total,
      60_000,
    ).catch(() => undefined);
    const [final] = await sql<{ rows: number; ids: number }>(`SELECT count(*)::int AS rows, count(DISTINCT msg_id)::int AS ids FROM device_messages WHERE msg_id LIKE 'm-%'`);
    console.log(`all ${total} stored ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
    expect(stored ?? final).toEqual({ rows: total, ids: total });

    // Every handler applied what was stored of its kinds (durable cursors, whichever server ran them).
    const handlers = await eventually(
      async () => (await Promise.all(survivors.map((s) => fetch(`${s.url}/api/health`).then((r) => r.json() as Promise<HealthDto>)))).flatMap((h) => h.handlers),
      (hs) => hs.length === 7 && hs.every((h) => h.applied === h.stored && h.failed === 0),
      60_000,
    ).catch(async (error: unknown) => {
      console.log(await sql(`SELECT pid, state, wait_event_type, wait_event, left(query, 100) AS q, now() - xact_start AS xact FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle'`));
      throw error;
    });
    const by = Object.fromEntries(handlers.map((h) => [h.name, h.applied]));
    expect({ equipment: by.equipment, parking: by.parking, patrol: by.patrol }).toEqual({ equipment: SENSORS * PER_DEVICE, parking: GATES * PER_DEVICE, patrol: CHECKPOINTS * PER_DEVICE });

    // One alert per condition, as the pure rule says; occupancy counted once.
    const raises = expectedRaises(sent);
    const alerts = await sql<{ subject: string; n: number }>(`SELECT subject, count(*)::int AS n FROM alerts WHERE type = 'sensor.threshold' GROUP BY subject`);
    expect(Object.fromEntries(alerts.map((a) => [a.subject, a.n]))).toEqual(Object.fromEntries(raises));
    const inside = [...sent.values()].flat().filter((m) => m.body.type === 'pass').reduce((n, m) => n + (m.body.direction === 'in' ? 1 : -1), 0);
    const [lot] = await sql<{ occupancy: number }>(`SELECT occupancy FROM parking_lots WHERE site_id = 'cl' AND lot_id = 'lot-a'`);
    expect(lot?.occupancy).toBe(inside);
  }, 300_000);

  it('sends a remote gate open through a server that does not consume the gate, and gets its ack', async () => {
    const survivors = servers.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
    const gate = 'gate-0';
    const [holder] = await sql<{ holder: string }>('SELECT holder FROM cluster_leases WHERE name = $1 AND expires_at > now()', [`mqtt:${shardOf('cl', gate, SHARDS)}`]);
    const through = survivors.find((s) => s.node !== holder?.holder)!;
    const device = devices.get(gate)!;
    await device.subscribeAsync(buildTopic({ site: 'cl', kind: 'gate', device: gate, stream: 'cmd' }), { qos: 1 });
    device.on('message', (_topic, payload) => {
      const cmd = JSON.parse(payload.toString()) as { id: string };
      void device.publishAsync(buildTopic({ site: 'cl', kind: 'gate', device: gate, stream: 'ack' }), JSON.stringify({ id: cmd.id, ts: new Date().toISOString(), ok: true }), { qos: 1 });
    });
    const res = await fetch(`${through.url}/api/gates/${gate}/open?siteId=cl`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await login(through)}` },
      body: JSON.stringify({ reason: 'cluster test' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
    console.log(`gate open through ${through.node}; ${gate} consumed by ${holder?.holder}`);
  }, 60_000);

  it('one missed alert per closed window, every late order escalated once, every screen saw every alert', async () => {
    // The unwalked route's window closes at windowCloses; its orders are then a minute late.
    await new Promise((r) => setTimeout(r, Math.max(0, windowCloses.getTime() + 5_000 - Date.now())));
    const missed = await eventually(
      () => sql<{ subject: string }>(`SELECT subject FROM alerts WHERE type = 'patrol.missed'`),
      (rows) => rows.length >= UNWALKED.length,
      30_000,
    );
    expect(missed).toHaveLength(UNWALKED.length);
    // Every order unaccepted a minute after it was opened is escalated (deadline sweep every 10 s).
    const late = await eventually(
      () => sql<{ id: string; accept_escalated_at: Date | null }>(`SELECT id, accept_escalated_at FROM work_orders WHERE accept_by < now() - interval '15 seconds' AND status IN ('new', 'dispatched')`),
      (rows) => rows.length > 0 && rows.every((r) => r.accept_escalated_at !== null),
      150_000,
    );
    // Each escalated once: one 'escalate' entry in its timeline, whichever server swept it.
    const entries = await sql<{ id: string; n: number }>(`SELECT work_order_id AS id, count(*)::int AS n FROM work_order_events WHERE action = 'escalate' GROUP BY 1`);
    expect(entries.filter((e) => e.n !== 1)).toEqual([]);
    expect(new Set(entries.map((e) => e.id))).toEqual(new Set((await sql<{ id: string }>('SELECT id FROM work_orders WHERE escalated')).map((r) => r.id)));
    const survivors = servers.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
    const allAlerts = new Set((await sql<{ id: string }>('SELECT id FROM alerts')).map((r) => r.id));
    for (const s of survivors) {
      const mine = seen.get(s.node)!;
      // Every late order turned escalated exactly once on this screen.
      await eventually(async () => late.filter((o) => mine.escalations.get(o.id) !== 1).length, (n) => n === 0, 15_000);
      const missing = [...allAlerts].filter((id) => !mine.alerts.has(id));
      if (missing.length > 0) console.log(`${s.node} missed`, await sql('SELECT id, type, subject, raised_at, cleared_at FROM alerts WHERE id = ANY($1)', [missing]), `kill at ${new Date(killedWall).toISOString()}`);
      expect(missing, `${s.node}'s socket missed ${missing.length} of ${allAlerts.size} alerts`).toEqual([]);
    }
    console.log(`${missed.length} missed alerts, ${late.length} late orders escalated once each, ${allAlerts.size} alerts on every surviving screen`);
  }, 400_000);
});
