// Alarms during a burst, with several servers (issue 9.3 in a cluster, issue 11): SERVERS real
// servers on a Mosquitto of their own and a throw-away PostgreSQL database; PER_KIND sensors
// publish MESSAGES QoS 1 readings each (20 × 1,000 = 20,000 by default) as fast as their
// INFLIGHT window lets them, and meanwhile another sensor reports a fault every FAULT_EVERY_MS
// (then its clearing). Each fault is timed from its PUBLISH until the `alert` event reaches a
// Socket.IO client on every server (whichever server consumed the sensor and whichever applied
// it). Prints each screen's p50 / p99 / max and what was left of the burst. Asserts nothing.
//
//   npm run bench:cluster-alarm      SERVERS=3 PER_KIND=20 MESSAGES=1000 INFLIGHT=200 FAULT_EVERY_MS=300
//   DATABASE_URL=postgres://…/postgres (where the throw-away database is made; default 127.0.0.1:5432)
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { percentile } from '@estate-watch/domain';
import { connect } from 'mqtt';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { clusterHealth, startCluster, startMosquitto, type ClusterServer } from '../tests/support/cluster-harness';
import { ALARM_SENSOR, benchDevices, SITE, siteYaml, type ClientJob, type ClientReport } from './path-bench.site';
import { withThrowawayDatabase } from './throwaway-database';

const SERVERS = Number(process.env.SERVERS ?? 3);
const PER_KIND = Number(process.env.PER_KIND ?? 20);
const MESSAGES = Number(process.env.MESSAGES ?? 1000);
const INFLIGHT = Number(process.env.INFLIGHT ?? 200);
const FAULT_EVERY_MS = Number(process.env.FAULT_EVERY_MS ?? 300);
const SHARDS = Number(process.env.SHARDS ?? 12);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ADMIN_PASSWORD = 'Bench-Cluster-Alarm-4t!x';
/** An alert that has not reached a screen in this long counts as lost. */
const GIVE_UP_MS = 30_000;

interface LiveAlert {
  type: string;
  subject: string;
  status: string;
  details?: { text?: string };
}

/** p-th percentile (0-100) of xs, NaN for none (the reports' percentile_cont). */
const pct = (xs: number[], p: number) => percentile(xs, p / 100) ?? NaN;
const round = (x: number) => Math.round(x * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The burst's devices in a child process of their own (bench/path-bench.clients.ts). */
function burst(job: ClientJob): { started: Promise<void>; done: Promise<ClientReport> } {
  const child: ChildProcess = fork(join(__dirname, 'path-bench.clients.ts'), [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let started!: () => void;
  const startedP = new Promise<void>((r) => (started = r));
  const done = new Promise<ClientReport>((resolveDone, reject) => {
    child.on('message', (m: unknown) => {
      if (typeof m !== 'object' || m === null) return;
      if ('started' in m) started();
      if ('acked' in m) resolveDone(m as ClientReport);
    });
    child.once('exit', (code) => code !== 0 && reject(new Error(`devices exited with ${code}`)));
  });
  child.send(job);
  return { started: startedP, done };
}

async function screen(server: ClusterServer, token: string): Promise<Socket> {
  const socket = io(`${server.url}/live`, { auth: { token }, transports: ['websocket'] });
  await new Promise<void>((ok, fail) => (socket.once('connect', () => ok()), socket.once('connect_error', fail)));
  return socket;
}

async function run(url: string, dir: string): Promise<void> {
  const mosquitto = await startMosquitto();
  let servers: ClusterServer[] = [];
  try {
    servers = await startCluster(SERVERS, {
      SITE_CONFIG: join(dir, 'site.yaml'),
      ADMIN_PASSWORD,
      MQTT_URL: mosquitto.url,
      DATABASE_URL: url,
      MQTT_CLIENT_ID: `alarm${process.pid}`.slice(0, 16),
      MQTT_SHARDS: String(SHARDS),
    });
    for (const deadline = Date.now() + 60_000; ; ) {
      const hs = await Promise.all(servers.map(clusterHealth));
      if (hs.every((h) => h.servers === SERVERS) && hs.reduce((n, h) => n + h.shards.length, 0) === SHARDS && hs.some((h) => h.handlers.includes('equipment'))) break;
      if (Date.now() > deadline) throw new Error(`shards and handlers not split in 60 s: ${JSON.stringify(hs)}`);
      await sleep(200);
    }
    const login = await fetch(`${servers[0]!.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };
    const screens = await Promise.all(servers.map((s) => screen(s, token)));
    const holders = await Promise.all(servers.map(clusterHealth));
    const equipmentOn = holders.find((h) => h.handlers.includes('equipment'))?.node;

    const alarm = connect({ host: '127.0.0.1', port: mosquitto.port, username: `${SITE}:${ALARM_SENSOR.id}`, password: ALARM_SENSOR.secret, reconnectPeriod: 0 });
    await new Promise<void>((ok, fail) => (alarm.once('connect', () => ok()), alarm.once('error', fail)));
    const topic = `estate/v1/${SITE}/sensor/${ALARM_SENSOR.id}/event`;

    /** When each screen first saw each fault's alert, by its text. */
    const seen = new Map<string, number[]>();
    screens.forEach((socket, i) =>
      socket.on('alert', (a: LiveAlert) => {
        const text = a.details?.text;
        if (a.type !== 'equipment.fault' || a.status !== 'active' || !text) return;
        const at = seen.get(text) ?? [];
        at[i] ??= performance.now();
        seen.set(text, at);
      }),
    );

    const job: ClientJob = { mode: 'burst', port: mosquitto.port, run: 1, devices: benchDevices(PER_KIND).reading, messages: MESSAGES, inflight: INFLIGHT, rate: 0, seconds: 0 };
    const load = burst(job);
    await load.started;
    const burstStart = performance.now();
    let finished = false;
    void load.done.then(() => (finished = true));
    const published = new Map<string, number>();
    // When each fault's row became visible in the database (polled): splits the wait in two.
    const stored = new Map<string, number>();
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const waiting = [...published.keys()].filter((id) => !stored.has(id));
        if (waiting.length > 0) {
          const { rows } = await db.query<{ msg_id: string }>('SELECT msg_id FROM device_messages WHERE site_id = $1 AND device_id = $2 AND msg_id = ANY($3)', [SITE, ALARM_SENSOR.id, waiting]);
          const now = performance.now();
          for (const r of rows) stored.set(r.msg_id, now);
        }
        await sleep(20);
      }
    })();
    for (let n = 0; !finished; n++) {
      const id = `f${n}`;
      published.set(id, performance.now());
      alarm.publish(topic, JSON.stringify({ id, ts: new Date().toISOString(), type: 'fault', code: 'E1', text: id }), { qos: 1 });
      await sleep(FAULT_EVERY_MS / 2);
      alarm.publish(topic, JSON.stringify({ id: `c${n}`, ts: new Date().toISOString(), type: 'fault_cleared', code: 'E1' }), { qos: 1 });
      await sleep(FAULT_EVERY_MS / 2);
    }
    const report = await load.done;
    const burstSeconds = (performance.now() - burstStart) / 1000;
    // Every fault's alert on every screen, or GIVE_UP_MS.
    for (const deadline = performance.now() + GIVE_UP_MS; performance.now() < deadline; await sleep(50)) {
      if ([...published.keys()].every((id) => screens.every((_, i) => seen.get(id)?.[i] !== undefined))) break;
    }
    polling = false;
    await poll;
    await db.end();
    const toStored = [...published].map(([id, t0]) => (stored.get(id) ?? NaN) - t0).filter(Number.isFinite);
    const storedToScreen = [...published].map(([id]) => Math.min(...(seen.get(id) ?? []).filter((x) => x !== undefined)) - (stored.get(id) ?? NaN)).filter(Number.isFinite);
    const rows = servers.map((s, i) => {
      const ms = [...published].map(([id, t0]) => (seen.get(id)?.[i] ?? NaN) - t0);
      const got = ms.filter(Number.isFinite);
      return { screen: s.node, holdsEquipment: s.node === equipmentOn, faults: ms.length, seen: got.length, p50: round(pct(got, 50)), p99: round(pct(got, 99)), max: round(Math.max(...got)), over1s: got.filter((x) => x > 1000).length };
    });
    console.log(`${SERVERS} servers, burst of ${report.acked} readings (${PER_KIND} sensors × ${MESSAGES}, ${INFLIGHT} in flight each) in ${burstSeconds.toFixed(1)} s = ${Math.round(report.acked / burstSeconds)} msg/s acked; a fault every ${FAULT_EVERY_MS} ms meanwhile; equipment applied on ${equipmentOn}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.table(rows);
    console.log(`PUBLISH → row visible (polled every 20 ms): p50 ${round(pct(toStored, 50))}, max ${round(Math.max(...toStored))} ms; row visible → first screen: p50 ${round(pct(storedToScreen, 50))}, max ${round(Math.max(...storedToScreen))} ms`);
    for (const s of screens) s.close();
    await alarm.endAsync();
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await mosquitto.stop();
  }
}

async function main(): Promise<void> {
  execFileSync('npx', ['tsc', '-b', 'apps/server'], { cwd: resolve(__dirname, '..'), stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'estate-cluster-alarm-'));
  writeFileSync(join(dir, 'site.yaml'), siteYaml(PER_KIND, []));
  await withThrowawayDatabase(DATABASE_URL, 'estate_cluster_alarm', (url) => run(url, dir));
  process.exit(0);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
