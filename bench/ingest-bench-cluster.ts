// `npm run bench:ingest`: the production path against the broker alone, in one run (issue 11.5).
//   1. raw: CLIENTS MQTT.js publishers → a Mosquitto of its own → one MQTT.js subscriber (QoS 1);
//   2. the server path: the same publishers → the same Mosquitto → SERVERS real servers (child
//      processes, MQTT_URL + DATABASE_URL, PUBACK after the commit) → PostgreSQL, with 1 and with 3.
// msg/s is first → last message received (raw) or stored (server: received_at in the database).
// "applied" is what a user waits for: the first PUBLISH until every handler has applied
// everything (durable cursors past the last stored seq); "waited" splits it into first PUBLISH →
// last PUBACK (from Mosquitto) → all stored (seen by a count) → all applied. Until issue 11's
// sixth pass "applied" was the received_at span plus all stored → all applied: it left out the
// time before the first message reached a server and between the last one's arrival and its
// commit, which one server (one commit queue) spends more of (1.2 s against 0.5 s in a run).
// "split", per server: [the busy handlers it holds] stored (in commits) / the others' rows its
// reader read back for its handlers (in reads); see apps/server/src/cluster/README.md.
// A second table says where the CPU went in each server-path row (bench/ingest-bench.cpu.ts): µs
// of CPU per stored message of the servers, the bench database's PostgreSQL backends, Mosquitto,
// the publishers and the rest of the machine, and how many backends waited on the commit lock.
// Prints figures and the load average, asserts nothing. Needs `mosquitto` on the PATH and
// PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
// Each server-path row first sends WARMUP taps per publisher (500; other ids) and waits until
// they are applied: the measured burst meets running servers, as in production, not processes
// compiling their hot code as it arrives (three servers compile it three times). Every figure
// before 2026-12-05 14:30 was cold (WARMUP=0 gives that).
//   CLIENTS=20 MESSAGES=2000 INFLIGHT=100 SERVERS=1,3 RUNS=1 WARMUP=500 npm run bench:ingest
// BENCH=embedded runs the embedded-broker benchmark instead (bench/ingest-bench.run.ts).
import { fork, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'mqtt';
import pg from 'pg';
import { clusterHealth, startCluster, startMosquitto, type ClusterServer, type Mosquitto } from '../tests/support/cluster-harness';
import { startCpuWindow, type CpuWindow } from './ingest-bench.cpu';

const CLIENTS = Number(process.env.CLIENTS ?? 20);
const MESSAGES = Number(process.env.MESSAGES ?? 2000);
const INFLIGHT = Number(process.env.INFLIGHT ?? 100);
const MAX_SECONDS = Number(process.env.MAX_SECONDS ?? 120);
const SERVERS = (process.env.SERVERS ?? '1,3').split(',').map(Number);
const RUNS = Number(process.env.RUNS ?? 1);
const SHARDS = Number(process.env.SHARDS ?? 12);
/** How long to wait for the handlers after the last message is stored. */
const APPLIED_SECONDS = Number(process.env.APPLIED_SECONDS ?? 60);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/**
 * Taps per publisher sent and applied before the measured burst (0: none, the servers cold). A
 * server runs for days: a burst meets it compiled (V8's JIT) and with its connections warm. Cold,
 * each of three servers compiles the same hot paths during the burst, which one server does once.
 */
const WARMUP = Number(process.env.WARMUP ?? 500);
const TOTAL = CLIENTS * MESSAGES;
const CARD = '04A1B2C3D4E5';

const SITE_YAML = `site: { id: bench, name: Bench, timezone: UTC, heartbeatSec: 3600 }
departments:
  - { id: security, name: Security, sla: { acceptMin: 10, resolveMin: 60 } }
routing: { device.offline: security, patrol.unknown_card: security }
guards:
  - { id: G01, name: Guard, card: ${CARD} }
checkpoints:
${Array.from({ length: CLIENTS }, (_, i) => `  - { id: cp-${i}, name: CP ${i}, x: 0, y: 0, secret: secret-${i} }`).join('\n')}
`;

interface Row {
  path: string;
  messages: number;
  seconds: number;
  perSecond: number;
  ratio?: string;
  applied?: string;
  waited?: string;
  split?: string;
}

/** Where the CPU went in one server-path row, per stored message. */
interface CpuRow {
  path: string;
  'servers µs/msg': string;
  'postgres µs/msg': number;
  'mosquitto µs/msg': number;
  'publishers µs/msg': number;
  'rest µs/msg': number;
  'machine busy': string;
  'lock waiters': number;
  'active backends': number;
}

interface Published {
  cpuSeconds: number;
  /** Wall clock (ms) of the first PUBLISH and of the last PUBACK. */
  firstPublishAt: number;
  lastAckAt: number;
}

/** The publishers, in a child process of their own (bench/ingest-bench.clients.ts); resolves with their CPU seconds and times. */
function publish(port: number, burst: { messages: number; idPrefix: string } = { messages: MESSAGES, idPrefix: 'm' }): Promise<Published> {
  return new Promise((done, fail) => {
    const child = fork(join(__dirname, 'ingest-bench.clients.ts'), [], {
      execArgv: process.execArgv,
      env: { ...process.env, BENCH_HOST: '127.0.0.1', BENCH_PORT: String(port), CLIENTS: String(CLIENTS), MESSAGES: String(burst.messages), ID_PREFIX: burst.idPrefix, INFLIGHT: String(INFLIGHT), MAX_SECONDS: String(MAX_SECONDS) },
    });
    child.once('message', (report: Partial<Published>) => done({ cpuSeconds: report.cpuSeconds ?? 0, firstPublishAt: report.firstPublishAt ?? NaN, lastAckAt: report.lastAckAt ?? NaN }));
    child.once('error', fail);
    child.once('exit', (code) => code !== 0 && fail(new Error(`publishers exited with ${code}`)));
  });
}

async function raw(mosquitto: Mosquitto): Promise<Row> {
  const sub = connect(mosquitto.url, { clientId: `bench-raw-${process.pid}`, clean: true });
  await new Promise<void>((r) => sub.once('connect', () => r()));
  await sub.subscribeAsync('estate/v1/bench/#', { qos: 1 });
  let n = 0;
  let first = 0;
  let last = 0;
  const all = new Promise<void>((done) =>
    sub.on('message', () => {
      last = performance.now();
      if (n++ === 0) first = last;
      if (n === TOTAL) done();
    }),
  );
  await publish(mosquitto.port);
  await Promise.race([all, new Promise((r) => setTimeout(r, 10_000))]);
  await sub.endAsync();
  const seconds = (last - first) / 1000;
  return { path: 'raw: Mosquitto → 1 MQTT.js subscriber', messages: n, seconds: round(seconds, 2), perSecond: Math.round(n / seconds) };
}

async function serverPath(mosquitto: Mosquitto, count: number, rawRate: number, dir: string): Promise<Row & { cpu: CpuRow }> {
  const name = `estate_bench_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`); // generated name, never input
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const db = new pg.Client({ connectionString: url.toString() });
  let servers: ClusterServer[] = [];
  try {
    servers = await startCluster(count, {
      SITE_CONFIG: join(dir, 'bench.yaml'),
      ADMIN_PASSWORD: 'bench-admin-password-7c1x',
      MQTT_URL: mosquitto.url,
      DATABASE_URL: url.toString(),
      MQTT_CLIENT_ID: `bench${process.pid}`.slice(0, 16),
      MQTT_SHARDS: String(SHARDS),
    });
    await db.connect();
    // Each server holds its share before the devices start.
    for (const deadline = Date.now() + 60_000; ; ) {
      const hs = await Promise.all(servers.map(clusterHealth));
      if (hs.every((h) => h.servers === count && h.shards.length >= Math.floor(SHARDS / count)) && hs.reduce((n, h) => n + h.shards.length, 0) === SHARDS) break;
      if (Date.now() > deadline) throw new Error(`shards not split in 60 s: ${JSON.stringify(hs)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    let before = 0; // the warm-up's last seq: the measured burst is what follows it
    if (WARMUP > 0) {
      await publish(mosquitto.port, { messages: WARMUP, idPrefix: 'w' });
      await storedAfter(db, 0, CLIENTS * WARMUP);
      before = await appliedUpToLast(db);
      if (Number.isNaN(before)) throw new Error(`the warm-up was not applied in ${APPLIED_SECONDS} s`);
    }
    const ingested0 = (await Promise.all(servers.map(clusterHealth))).map((h) => ({ ingested: h.ingested, commits: h.commits, rows: h.readBack.rows, reads: h.readBack.reads }));
    const window = startCpuWindow({ ...Object.fromEntries(servers.map((s) => [s.node, s.child.pid as number])), mosquitto: mosquitto.pid }, db, name);
    const published = await publish(mosquitto.port);
    const stored = await storedAfter(db, before, TOTAL);
    const storedAt = Date.now();
    const [span] = (await db.query<{ s: number }>('SELECT extract(epoch FROM max(received_at) - min(received_at))::float8 AS s FROM device_messages WHERE seq > $1', [before])).rows;
    const seconds = span!.s;
    const appliedAt = Number.isNaN(await appliedUpToLast(db)) ? NaN : Date.now();
    const cpu = await window.stop({ publishers: published.cpuSeconds });
    const hs = await Promise.all(servers.map(clusterHealth));
    const perSecond = Math.round(stored / seconds);
    const waited = (appliedAt - published.firstPublishAt) / 1000;
    const path = `server path: Mosquitto → ${count} server${count > 1 ? 's' : ''} → PostgreSQL`;
    return {
      cpu: cpuRow(path, cpu, servers.map((s) => s.node), stored),
      path,
      messages: stored,
      seconds: round(seconds, 2),
      perSecond,
      ratio: `${(perSecond / rawRate).toFixed(2)} ×`,
      applied: `${round(waited, 2)} s (${Math.round(stored / waited)}/s)`,
      waited: [published.lastAckAt, storedAt, appliedAt].map((t) => round((t - published.firstPublishAt) / 1000, 2)).join(' → '),
      // stored (in how many commits) / rows of the others' read back for its handlers (in how many reads), in the measured burst
      split: hs
        .map((h, i) => {
          const w = ingested0[i]!;
          return `${h.node}${busyHandlers(h.handlers)} ${h.ingested - w.ingested} (${h.commits - w.commits}) / ${h.readBack.rows - w.rows} (${h.readBack.reads - w.reads})`;
        })
        .join(', '),
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** Polls until `count` messages are stored after seq `after` (or MAX_SECONDS pass); how many are. */
async function storedAfter(db: pg.Client, after: number, count: number): Promise<number> {
  const deadline = Date.now() + MAX_SECONDS * 1000;
  for (;;) {
    const stored = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM device_messages WHERE seq > $1', [after])).rows[0]!.n;
    if (stored >= count || Date.now() > deadline) return stored;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Polls until the durable cursors of devices (statuses; taps it only passes) and patrol (every
 * tap) are past the last stored message; that seq, or NaN after APPLIED_SECONDS.
 */
async function appliedUpToLast(db: pg.Client): Promise<number> {
  const [{ last }] = (await db.query<{ last: number }>('SELECT max(seq)::int AS last FROM device_messages')).rows as [{ last: number }];
  for (const deadline = Date.now() + APPLIED_SECONDS * 1000; Date.now() < deadline; ) {
    const cursors = (await db.query<{ consumer: string; seq: number }>("SELECT consumer, seq::int AS seq FROM ingest_cursor WHERE consumer IN ('domain:devices', 'domain:patrol')")).rows;
    if (cursors.length === 2 && cursors.every((c) => c.seq >= last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  return NaN;
}

function cpuRow(path: string, w: CpuWindow, nodes: string[], messages: number): CpuRow {
  const us = (seconds: number) => Math.round((seconds * 1e6) / messages);
  const servers = nodes.map((n) => w.seconds[n] ?? 0);
  const accounted = Object.values(w.seconds).reduce((a, b) => a + b, 0);
  return {
    path,
    'servers µs/msg': `${us(servers.reduce((a, b) => a + b, 0))}${servers.length > 1 ? ` (${servers.map(us).join(' + ')})` : ''}`,
    'postgres µs/msg': us(w.seconds.postgres ?? 0),
    'mosquitto µs/msg': us(w.seconds.mosquitto ?? 0),
    'publishers µs/msg': us(w.seconds.publishers ?? 0),
    // the bench itself, PostgreSQL's background processes, and whatever else runs on the machine
    'rest µs/msg': us(Math.max(0, w.machine - accounted)),
    'machine busy': `${Math.round((w.machine / (w.wall * cpus().length)) * 100)} % of ${cpus().length} cores, ${round(w.wall, 1)} s`,
    'lock waiters': round(w.lockWaiters, 2),
    'active backends': round(w.active, 2),
  };
}

/** The handlers the bench waits for (taps: patrol applies every one, devices passes them), where a server holds them. */
function busyHandlers(handlers: readonly string[]): string {
  const busy = handlers.filter((h) => h === 'devices' || h === 'patrol');
  return busy.length > 0 ? `[${busy.join('+')}]` : '';
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

async function main(): Promise<void> {
  execFileSync('npx', ['tsc', '-b', 'apps/server'], { cwd: resolve(__dirname, '..'), stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'estate-bench-cluster-'));
  writeFileSync(join(dir, 'bench.yaml'), SITE_YAML);
  console.log(`ingest bench, production path: ${CLIENTS} MQTT.js publishers × ${MESSAGES} QoS 1 taps, ${INFLIGHT} in flight each, ${SHARDS} shards; servers warmed by ${CLIENTS} × ${WARMUP} taps applied first; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const rows: Row[] = [];
  const cpuRows: CpuRow[] = [];
  for (let run = 0; run < RUNS; run++) {
    // A broker of its own per run: no session or queue of an earlier run in the way.
    const mosquitto = await startMosquitto();
    try {
      const r = await raw(mosquitto);
      rows.push(r);
      for (const count of SERVERS) {
        const { cpu, ...row } = await serverPath(mosquitto, count, r.perSecond, dir);
        rows.push(row);
        cpuRows.push(cpu);
      }
    } finally {
      await mosquitto.stop();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  console.table(rows);
  // From the first PUBLISH until every handler applied everything; µs of CPU per stored message.
  console.table(cpuRows);
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
