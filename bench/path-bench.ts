// The whole path near the broker (issue 9 points 2 and 4). Prints one table, asserts nothing.
//
//   npm run bench                      (builds the server, then runs this with tsx)
//   npm run bench -- --smoke           (seconds: a few devices, PGlite; CI runs it)
//   PG=off npm run bench               (PGlite only)   PGLITE=off …   (PostgreSQL only)
//   DATABASE_URL=postgres://…/postgres (where the throw-away database is made; default 127.0.0.1:5432)
//   PER_KIND, MESSAGES (per device), INFLIGHT, MAX_SECONDS, ALERT_LOAD, ALERT_SECONDS to vary
//   ONLY=gate,mixed,alert              (some rows only: gate tap level reading status mixed alert)
//   POLL=all                           (read all five lists every tick while a burst runs, as before; default: one unfinished list per tick)
//   CPU_PROF=dir                       (the server runs with --cpu-prof, profiles written there)
//   SERVER_NODE_ARGS="--trace-gc …"   (more node flags for the server), SERVER_OUT=file (its output appended there)
//   PATH_TRACE=on                      (where each alarm's time went, step by step, and event-loop stalls)
//
// Three kinds of process, so that neither side's CPU time is the other's:
// - the product: `node apps/server/dist/main.js`, as `npm start` runs it, on a generated site file
//   in a temp folder, PostgreSQL (a fresh database, dropped after) or PGlite (a temp data dir);
// - the bare broker (path-bench.bare.ts): aedes and one MQTT.js QoS 1 subscriber;
// - the devices (path-bench.clients.ts): real MQTT.js connections over loopback TCP.
// For each kind of traffic (and all mixed) the same devices publish the same QoS 1 burst first to
// the bare broker (msg/s = messages ÷ first publish → subscriber has them all), then to the
// product (msg/s = messages ÷ first publish → the state a user reads over HTTP shows them all:
// each lot's occupancy, each dispenser's level, each sensor's reading, each device's firmware
// string from its status, and for taps the patrol handler's applied count on /api/health).
// Alerts (point 4): under ALERT_LOAD msg/s of sensor telemetry, a sensor fault is published and
// timed until the `alert` event reaches a Socket.IO client; patrol windows close on the minute
// with no tap, and a `patrol.missed` event's delay after the close is timed. PATH_TRACE=on: the
// server prints each alarm's stage times and the bench each step's p50 / p99 after the row.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import {
  ALARM_SENSOR,
  benchDevices,
  finalFw,
  finalLevel,
  finalReading,
  KINDS,
  siteYaml,
  SITE,
  type BenchDevice,
  type ClientJob,
  type ClientReport,
  type Kind,
} from './path-bench.site';
import { backendSeconds, cpuSeconds } from './process-cpu';
import { withThrowawayDatabase } from './throwaway-database';
import { freePort } from '../tests/support/server-process';

const SMOKE = process.argv.includes('--smoke') || process.env.BENCH_SMOKE === 'on';
const env = (name: string, full: number, smoke: number) => Number(process.env[name] ?? (SMOKE ? smoke : full));
const PER_KIND = env('PER_KIND', 20, 2);
const MESSAGES = env('MESSAGES', 1000, 20);
const INFLIGHT = env('INFLIGHT', 200, 20);
const POLL_ALL = process.env.POLL === 'all';
const MAX_SECONDS = env('MAX_SECONDS', 180, 30);
const ALERT_LOAD = env('ALERT_LOAD', 5000, 200);
const ALERT_SECONDS = env('ALERT_SECONDS', 65, 2);
const FLEET = env('FLEET', 10_000, 0);
const FLEET_RATE = env('FLEET_RATE', 2000, 100);
const FLEET_SECONDS = env('FLEET_SECONDS', 200, 10);
const FLEET_PROCESSES = env('FLEET_PROCESSES', 4, 1);
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = resolve(__dirname, '..');
const ADMIN_PASSWORD = 'Bench-Path-7rq!Zx';

interface Row {
  database: string;
  kind: string;
  bare?: number;
  product?: number;
  ackedPerSec?: number;
  acked?: number;
  applied?: number;
  lost?: number;
  p50?: number;
  p99?: number;
  note?: string;
  rssMiB?: number;
  /** CPU µs per message, first PUBLISH → all applied: the server process, PostgreSQL's backends of its database, the bare broker's process. */
  serverUs?: number;
  databaseUs?: number;
  bareUs?: number;
}

// ---------------------------------------------------------------- processes

function forkTs(file: string): ChildProcess {
  return fork(join(__dirname, file), [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function nextMessage<T>(child: ChildProcess, pick: (m: unknown) => m is T): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (!pick(m)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null) => reject(new Error(`${child.spawnfile} exited with ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
const has =
  <K extends string>(key: K) =>
  (m: unknown): m is Record<K, number> =>
    typeof m === 'object' && m !== null && key in m;

/** Runs the devices in a child process; resolves on their first publish and when they are done. */
function devicesRun(job: ClientJob): { started: Promise<number>; done: Promise<ClientReport> } {
  const child = forkTs('path-bench.clients.ts');
  const started = nextMessage(child, has('started')).then((m) => m.started);
  const done = nextMessage(child, has('acked')) as Promise<unknown> as Promise<ClientReport>;
  child.send(job);
  return { started, done };
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMiB(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

interface Product {
  child: ChildProcess;
  httpUrl: string;
  mqttPort: number;
  token: string;
  /** The PostgreSQL database's name (its backends' CPU is counted); undefined on PGlite. */
  databaseName?: string;
  get(path: string): Promise<unknown>;
  /** Highest RSS seen since the last call. */
  peakRss(): number;
  /** What the server printed so far (PATH_TRACE lines among it). */
  output(): string;
  stop(): Promise<void>;
}

async function startProduct(siteFile: string, database: { url?: string; dataDir?: string }): Promise<Product> {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const ownDir = database.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'estate-path-bench-data-'));
  const dataDir = database.dataDir ?? (ownDir as string);
  const prof = process.env.CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.CPU_PROF)}`] : [];
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...prof, ...nodeArgs, 'apps/server/dist/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HTTP_PORT: String(httpPort),
      MQTT_PORT: String(mqttPort),
      SITE_CONFIG: siteFile,
      ADMIN_PASSWORD,
      SIMULATOR: 'off',
      LOG_LEVEL: 'warn',
      MQTT_CONNECTIONS_PER_SEC: '0',
      MQTT_DEVICE_MESSAGES_PER_SEC: '0',
      // With PostgreSQL too: the broker keeps its sessions in DATA_DIR (./data by default).
      DATA_DIR: dataDir,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  if (process.env.SERVER_OUT) {
    const file = createWriteStream(resolve(process.env.SERVER_OUT), { flags: 'a' });
    child.stdout?.pipe(file);
    child.stderr?.pipe(file);
  }
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    const ok = await fetch(`${httpUrl}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`server not up in 600 s:\n${out}`);
    await sleep(200);
  }
  const login = await fetch(`${httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  let peak = rssMiB(child.pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(child.pid))), 250);
  return {
    child,
    httpUrl,
    mqttPort,
    token,
    databaseName: database.url ? new URL(database.url).pathname.slice(1) : undefined,
    async get(path) {
      // A kept-alive connection the loaded server closed is a reset: ask again on a new one.
      let r: Response | undefined;
      for (let attempt = 1; !r; attempt++) {
        r = await fetch(`${httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }).catch((error: unknown) => {
          if (attempt >= 20 || child.exitCode !== null) throw new Error(`GET ${path}: ${String(error)}${child.exitCode !== null ? `; server exited with ${child.exitCode}:\n${out}` : ''}`);
          return undefined;
        });
        // A request the loaded server timed out (408) or shed: ask again.
        if (r && [408, 503, 504].includes(r.status) && attempt < 20) r = undefined;
        if (!r) await sleep(200);
      }
      if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
      return r.json();
    },
    output: () => out,
    peakRss() {
      const p = Math.max(peak, rssMiB(child.pid));
      peak = rssMiB(child.pid);
      return p;
    },
    async stop() {
      clearInterval(sampler);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- applied state, as a user reads it

/** Messages of `kind` applied so far, read from the API, counting from the state at `base`. */
type AppliedReader = () => Promise<number>;

async function appliedReader(p: Product, kind: Kind, devices: BenchDevice[], run: number, messages: number): Promise<AppliedReader> {
  const ids = new Set(devices.map((d) => d.id));
  switch (kind) {
    case 'gate': {
      const occupancy = async () => {
        const lots = (await p.get('/api/parking/lots')) as { id: string; occupancy: number; gates?: unknown }[];
        const mine = new Set(devices.map((d) => `lot-${d.id.slice(2)}`));
        return lots.filter((l) => mine.has(l.id)).reduce((a, l) => a + l.occupancy, 0);
      };
      const base = await occupancy();
      return async () => (await occupancy()) - base;
    }
    case 'tap': {
      const patrolApplied = async () => {
        const h = (await p.get('/api/health')) as { handlers: { name: string; applied: number }[] };
        return h.handlers.find((x) => x.name === 'patrol')?.applied ?? 0;
      };
      const base = await patrolApplied();
      return async () => (await patrolApplied()) - base;
    }
    case 'level':
      return async () => {
        const list = (await p.get('/api/consumables/dispensers')) as { id: string; level: number | null }[];
        return list.filter((x) => ids.has(x.id) && x.level === finalLevel(run)).length * messages;
      };
    case 'reading':
      return async () => {
        const list = (await p.get('/api/equipment')) as { sensors?: { id: string; readings: Record<string, unknown> }[] } | { id: string; readings: Record<string, unknown> }[];
        const sensors = Array.isArray(list) ? list : (list.sensors ?? []);
        return sensors.filter((x) => ids.has(x.id) && x.readings.temperature_c === finalReading(run)).length * messages;
      };
    case 'status':
      return async () => {
        const list = (await p.get('/api/devices')) as { id: string; siteId: string; fw?: string }[];
        return list.filter((x) => x.siteId === SITE && ids.has(x.id) && x.fw === finalFw(run)).length * messages;
      };
  }
}

function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const round = (x: number | undefined, digits = 0) => (x === undefined || !Number.isFinite(x) ? undefined : Math.round(x * 10 ** digits) / 10 ** digits);

/** Resolves when /api/health shows every handler has applied all it stored (or after `ms`). */
async function handlersCaughtUp(p: Product, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const h = (await p.get('/api/health')) as { handlers: { stored: number; applied: number }[] };
    if (h.handlers.every((x) => x.applied >= x.stored)) return;
    await sleep(500);
  }
}

// ---------------------------------------------------------------- one row: bare, then product

interface Bare {
  port: number;
  child: ChildProcess;
}

async function startBare(): Promise<Bare> {
  const child = forkTs('path-bench.bare.ts');
  const { port } = await nextMessage(child, has('port'));
  return { port, child };
}

async function measureBare(bare: Bare, devices: BenchDevice[], run: number): Promise<{ rate: number; cpuUs: number }> {
  const expected = devices.length * MESSAGES;
  const done = nextMessage(bare.child, has('doneAt'));
  bare.child.send({ expect: expected });
  const cpu0 = cpuSeconds(bare.child.pid);
  const { started, done: clients } = devicesRun({ mode: 'burst', port: bare.port, run, devices, messages: MESSAGES, inflight: INFLIGHT, rate: 0, seconds: 0 });
  const [{ doneAt }, start] = await Promise.all([Promise.race([done, sleep(MAX_SECONDS * 1000).then(() => ({ doneAt: NaN }))]), started, clients]);
  return { rate: expected / ((doneAt - start) / 1000), cpuUs: ((cpuSeconds(bare.child.pid) - cpu0) * 1e6) / expected };
}

async function measureProduct(p: Product, database: string, kind: string, groups: [Kind, BenchDevice[]][], run: number, bare: { rate: number; cpuUs: number }): Promise<Row> {
  const devices = groups.flatMap(([, d]) => d);
  const expected = devices.length * MESSAGES;
  const readers = await Promise.all(groups.map(([k, d]) => appliedReader(p, k, d, run, MESSAGES)));
  const readAll = async () => (await Promise.all(readers.map((r) => r()))).reduce((a, b) => a + b, 0);
  // While the burst runs, one GET per tick, of a kind not yet seen complete, in turn (a kind seen
  // complete stays complete: every message of it was sent). Reading all five lists every tick
  // (POLL=all, the earlier bench) spent ~7-9 ms of the server's CPU per tick, a quarter of its
  // thread during the mix: the bench's reading, not the product's work.
  const want = groups.map(([, d]) => d.length * MESSAGES);
  const seen = readers.map(() => 0);
  let turn = 0;
  const readSome = async () => {
    if (POLL_ALL) return readAll();
    const open = readers.flatMap((_, i) => (seen[i]! < want[i]! ? [i] : []));
    if (open.length > 0) {
      const i = open[turn++ % open.length]!;
      seen[i] = await readers[i]!();
    }
    return seen.reduce((a, b) => a + b, 0);
  };
  p.peakRss();
  const cpu0 = { server: cpuSeconds(p.child.pid), database: backendSeconds(p.databaseName) };
  const { started, done } = devicesRun({ mode: 'burst', port: p.mqttPort, run, devices, messages: MESSAGES, inflight: INFLIGHT, rate: 0, seconds: 0 });
  const start = await started;
  let applied = 0;
  let appliedAt = NaN;
  let cpu = { server: NaN, database: NaN };
  let report: ClientReport | undefined;
  void done.then((r) => (report = r));
  // Levels, readings and statuses show a device's messages applied only once its last is, so
  // progress comes in steps: the run is bounded by MAX_SECONDS, not by a pause in progress.
  while (Date.now() - start < MAX_SECONDS * 1000) {
    applied = await readSome();
    if (applied >= expected) {
      appliedAt = Date.now();
      cpu = { server: cpuSeconds(p.child.pid) - cpu0.server, database: backendSeconds(p.databaseName) - cpu0.database };
      break;
    }
    await sleep(20);
  }
  const r = report ?? (await Promise.race([done, sleep(10_000).then(() => undefined)]));
  if (applied < expected) {
    // Too slow or lost? Wait until every handler applied all it stored, then look once more.
    await handlersCaughtUp(p, 300_000);
    applied = await readAll();
  }
  const product = expected / ((appliedAt - start) / 1000);
  return {
    database,
    kind,
    bare: round(bare.rate),
    product: round(product),
    ackedPerSec: r ? round(r.acked / ((r.endedAt - r.startedAt) / 1000)) : undefined,
    acked: r?.acked,
    applied,
    lost: expected - applied,
    p50: round(percentile(r?.latencies ?? [], 50), 1),
    p99: round(percentile(r?.latencies ?? [], 99), 1),
    note: Number.isFinite(product) ? 'PUBACK' : `PUBACK; not all applied in ${MAX_SECONDS} s`,
    rssMiB: p.peakRss(),
    serverUs: round((cpu.server * 1e6) / expected),
    databaseUs: p.databaseName ? round((cpu.database * 1e6) / expected) : undefined,
    bareUs: round(bare.cpuUs),
  };
}

// ---------------------------------------------------------------- alerts under load (point 4)

async function measureAlerts(p: Product, database: string, background: BenchDevice[], run: number): Promise<Row[]> {
  const socket: Socket = io(`${p.httpUrl}/live`, { auth: { token: p.token }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));
  const alarm = connect({ host: '127.0.0.1', port: p.mqttPort, username: `${SITE}:${ALARM_SENSOR.id}`, password: ALARM_SENSOR.secret, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => (alarm.once('connect', () => resolve()), alarm.once('error', reject)));
  const topic = `estate/v1/${SITE}/sensor/${ALARM_SENSOR.id}/event`;

  const missed: number[] = [];
  type LiveAlert = { id: string; type: string; subject: string; status: string; details?: { text?: string } };
  let waiting: ((a: LiveAlert) => void) | undefined;
  const missedIds = new Set<string>();
  socket.on('alert', (a: LiveAlert) => {
    // An alert is announced again when it gains its work order: the first announcement counts.
    if (a.type === 'patrol.missed' && a.status === 'active' && !missedIds.has(a.id)) {
      missedIds.add(a.id);
      const now = Date.now();
      missed.push(now - Math.floor(now / 60_000) * 60_000);
    }
    waiting?.(a);
  });
  const until = (pick: (a: LiveAlert) => boolean, ms: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => ((waiting = undefined), resolve(false)), ms);
      waiting = (a) => {
        if (!pick(a)) return;
        clearTimeout(timer);
        waiting = undefined;
        resolve(true);
      };
    });
  // Each fault names itself in its text: an alert that comes after its 5 s is not taken for the next fault's.
  const isAlarm = (status: string, text?: string) => (a: LiveAlert) =>
    a.type === 'equipment.fault' && a.subject.includes(ALARM_SENSOR.id) && a.status === status && (text === undefined || a.details?.text === text);

  const { started, done } = devicesRun({ mode: 'paced', port: p.mqttPort, run, devices: background, messages: 0, inflight: 0, rate: ALERT_LOAD, seconds: ALERT_SECONDS });
  await started;
  p.peakRss();
  let finished = false;
  let report: ClientReport | undefined;
  void done.then((r) => ((finished = true), (report = r)));
  const latencies: number[] = [];
  const timed = new Map<string, { published: number; onSocket: number }>();
  let lost = 0;
  for (let n = 0; !finished; n++) {
    const t0 = performance.now();
    const id = `r${run}-f${n}`;
    const raised = until(isAlarm('active', id), 5_000);
    alarm.publish(topic, JSON.stringify({ id, ts: new Date().toISOString(), type: 'fault', code: 'E1', text: id }), { qos: 1 });
    if (await raised) {
      const t1 = performance.now();
      latencies.push(t1 - t0);
      timed.set(`${SITE}/${ALARM_SENSOR.id}/${id}`, { published: performance.timeOrigin + t0, onSocket: performance.timeOrigin + t1 });
    } else lost++;
    const cleared = until(isAlarm('cleared'), 5_000);
    alarm.publish(topic, JSON.stringify({ id: `r${run}-c${n}`, ts: new Date().toISOString(), type: 'fault_cleared', code: 'E1' }), { qos: 1 });
    await cleared;
    await sleep(100);
  }
  const rss = p.peakRss();
  socket.close();
  await alarm.endAsync();
  if (process.env.PATH_TRACE === 'on') printStages(database, p.output(), timed);
  // The background as sent (messages ÷ first to last publish), and how long its last PUBACK came after.
  const load = report?.sent !== undefined && report.sendEndedAt !== undefined ? round(report.sent / ((report.sendEndedAt - report.startedAt) / 1000)) : undefined;
  const drainMs = report?.sendEndedAt !== undefined ? report.endedAt - report.sendEndedAt : undefined;
  return [
    { database, kind: `alert: fault → socket, under ${load} msg/s (${report?.acked} acked, the last ${drainMs} ms after the last publish)`, acked: latencies.length + lost, applied: latencies.length, lost, p50: round(percentile(latencies, 50), 1), p99: round(percentile(latencies, 99), 1), note: 'ms', rssMiB: rss },
    { database, kind: 'alert: window close → socket (patrol.missed)', applied: missed.length, p50: round(percentile(missed, 50)), p99: round(Math.max(...missed, NaN)), note: missed.length ? 'ms (p99 = max)' : 'no window closed in the run', rssMiB: rss },
  ];
}

const STAGES = ['submitted', 'commitStarted', 'committed', 'laneStarted', 'stateCommitted', 'alertStored', 'emitted'] as const;

/**
 * PATH_TRACE=on: where an alarm's time went. The server prints each alarm's stage times (epoch ms,
 * apps/server/src/common/path-trace.ts); with the bench's publish and socket times, each step's
 * p50 / p99 (ms from the step before) and the longest event-loop stall between two alarms.
 */
function printStages(database: string, output: string, timed: Map<string, { published: number; onSocket: number }>): void {
  const steps = new Map<string, number[]>();
  const stalls: number[] = [];
  const alarms: { total: number; steps: Map<string, number> }[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('PATH_TRACE ')) continue;
    const t = JSON.parse(line.slice('PATH_TRACE '.length)) as { key: string; stages: Partial<Record<(typeof STAGES)[number], number>>; stall: { maxMs: number } };
    const bench = timed.get(t.key);
    if (!bench) continue;
    stalls.push(t.stall.maxMs);
    // In the order they happened (with the alert written in the state's transaction, alertStored comes before stateCommitted).
    const points = ([['published', bench.published], ...STAGES.map((s) => [s, t.stages[s]]), ['onSocket', bench.onSocket]] as [string, number | undefined][])
      .filter((p): p is [string, number] => p[1] !== undefined)
      .sort((a, b) => a[1] - b[1]);
    let before: [string, number] | undefined;
    const own = new Map<string, number>();
    for (const [name, at] of points) {
      if (before) {
        const step = `${before[0]} → ${name}`;
        steps.set(step, [...(steps.get(step) ?? []), at - before[1]]);
        own.set(step, at - before[1]);
      }
      before = [name, at];
    }
    alarms.push({ total: bench.onSocket - bench.published, steps: own });
  }
  // The tail: the slowest tenth of the alarms, each step's mean there.
  const slow = [...alarms].sort((a, b) => b.total - a.total).slice(0, Math.max(1, Math.ceil(alarms.length / 10)));
  const slowMean = (step: string) => slow.reduce((a, x) => a + (x.steps.get(step) ?? 0), 0) / slow.length;
  console.log(`  ${database} alarm stages (PATH_TRACE, ${stalls.length} alarms; ms from the step before):`);
  for (const [step, ms] of steps) console.log(`    ${step.padEnd(34)} p50 ${round(percentile(ms, 50), 2)}  p99 ${round(percentile(ms, 99), 2)}  slowest tenth: mean ${round(slowMean(step), 2)}  (${ms.length})`);
  console.log(`    longest event-loop stall between two alarms: p50 ${round(percentile(stalls, 50), 1)}  p99 ${round(percentile(stalls, 99), 1)}  max ${round(Math.max(...stalls), 1)} ms`);
}

// ---------------------------------------------------------------- 10,000 devices (point 5)

async function measureFleet(database: string, dir: string, db: { url?: string; dataDir?: string }): Promise<Row[]> {
  const siteFile = join(dir, `fleet-${database}.yaml`);
  writeFileSync(siteFile, siteYaml(1, [], FLEET));
  const p = await startProduct(siteFile, db);
  const fleet = Array.from({ length: FLEET }, (_, i): BenchDevice => ({ site: SITE, kind: 'sensor', id: `h-${i}`, secret: `secret-h-${i}`, traffic: 'status' }));
  const children = Array.from({ length: FLEET_PROCESSES }, () => forkTs('path-bench.fleet.ts'));
  const ask = <K extends string>(key: K, command: object) => Promise.all(children.map((c, i) => {
    const answer = nextMessage(c, has(key));
    c.send(typeof command === 'function' ? (command as (i: number) => object)(i) : command);
    return answer;
  }));
  const online = async (since: number) => {
    const list = (await p.get('/api/devices')) as { id: string; online: boolean; lastSeenAt?: string }[];
    return list.filter((d) => d.id.startsWith('h-') && d.online && d.lastSeenAt !== undefined && Date.parse(d.lastSeenAt) >= since).length;
  };
  // The list of 10,000 devices is ~2 MB: on PGlite its query and its JSON run on the server's own
  // event loop (0.6–1.2 s each at load 12), so asking every second starved the handshakes it
  // waits for. Between two looks the bench waits 4 times what the last one took (≥ 1 s): the
  // observer takes at most a fifth of the server, and the time read is late by at most that wait.
  const allOnline = async (since: number, withinMs: number) => {
    const deadline = Date.now() + withinMs;
    let n = 0;
    for (;;) {
      const asked = Date.now();
      n = await online(since);
      if (n >= FLEET || Date.now() >= deadline) return { n, at: Date.now() };
      await sleep(Math.max(1000, 4 * (Date.now() - asked)));
    }
  };
  // Server CPU per device over a phase (the connect: CONNECT, status, its commit and handlers), and
  // the load average beside it: on a shared machine the seconds are the noisy figure.
  const cpuFrom = () => {
    const at = cpuSeconds(p.child.pid);
    return (devices: number) => round(((cpuSeconds(p.child.pid) - at) * 1e6) / Math.max(1, devices));
  };
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
  try {
    const t0 = Date.now();
    p.peakRss();
    const connectCpu = cpuFrom();
    const share = (i: number) => fleet.filter((_, k) => k % FLEET_PROCESSES === i);
    const connected = await ask('connected', ((i: number) => ({ connect: { port: p.mqttPort, devices: share(i), heartbeatSec: 60, rate: FLEET_RATE / FLEET_PROCESSES } })) as unknown as object);
    const up = await allOnline(t0, 120_000);
    const connectUs = connectCpu(FLEET);
    const connectLoad = load();
    const connectS = (up.at - t0) / 1000;
    console.log(`  ${database} fleet: ${up.n} of ${FLEET} online in ${round(connectS, 1)} s (${round(up.n / connectS)}/s), server CPU ${connectUs} µs per device, load ${connectLoad}`);
    const holdCpu = cpuFrom();
    const acked0 = Date.now();
    await sleep(Math.max(0, FLEET_SECONDS * 1000 - (Date.now() - up.at)));
    const holdRss = p.peakRss();
    const holdLoad = load();
    const offlineNow = async () => ((await p.get('/api/alerts?type=device.offline')) as { subject: string }[]).filter((a) => a.subject.includes('h-')).length;
    const holdOffline = await offlineNow();
    console.log(`  ${database} fleet: held ${round((Date.now() - acked0) / 1000)} s, peak RSS ${holdRss} MiB, ${holdOffline} false offline alerts, load ${holdLoad}`);
    const holdUs = holdCpu(1) ?? 0;
    const s0 = Date.now();
    const stormCpu = cpuFrom();
    const storm = await ask('reconnected', { storm: true });
    const back = await allOnline(s0, 120_000);
    const stormUs = stormCpu(FLEET);
    const stormLoad = load();
    await sleep(5000);
    const stormRss = p.peakRss();
    const falseOffline = await offlineNow();
    const stats = await ask('acked', { stop: true });
    const acked = stats.reduce((a, s) => a + (s as unknown as { acked: number }).acked, 0);
    console.log(`  ${database} fleet: storm ${back.n} of ${FLEET} back online in ${round((back.at - s0) / 1000, 1)} s, server CPU ${stormUs} µs per device, load ${stormLoad}; server CPU over the hold ${round(holdUs / 1e6, 1)} s`);
    return [
      { database, kind: `${FLEET} devices: connect, then ${FLEET_SECONDS} s of heartbeats (60 s) + ${FLEET_RATE} msg/s`, acked, applied: up.n, lost: falseOffline, p50: round(connectS, 1), p99: round(Math.max(...connected.map((x) => (x as unknown as { ms: number }).ms)) / 1000, 1), note: `s to all online (server) / all connected (clients); lost = false offline alerts; CPU per device connecting; load ${connectLoad}`, rssMiB: holdRss, serverUs: connectUs },
      { database, kind: `${FLEET} devices: reconnect storm`, applied: back.n, lost: FLEET - back.n, p50: round((back.at - s0) / 1000, 1), p99: round(Math.max(...storm.map((x) => (x as unknown as { ms: number }).ms)) / 1000, 1), note: `s to all online (server) / all connected (clients); CPU per device; load ${stormLoad}`, rssMiB: stormRss, serverUs: stormUs },
    ];
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
    await p.stop();
  }
}

async function fleetRows(database: string, dir: string, db: { url?: string; dataDir?: string }): Promise<Row[]> {
  const rows = await measureFleet(database, dir, db);
  rows.forEach(printRow);
  return rows;
}

// ---------------------------------------------------------------- one database

async function benchDatabase(database: string, siteFile: string, db: { url?: string; dataDir?: string }, bare: Bare): Promise<Row[]> {
  const p = await startProduct(siteFile, db);
  const rows: Row[] = [];
  try {
    const devices = benchDevices(PER_KIND);
    let run = 1;
    const row = async (kind: string, groups: [Kind, BenchDevice[]][]) => {
      const all = groups.flatMap(([, d]) => d);
      const bareRun = await measureBare(bare, all, run);
      const r = await measureProduct(p, database, kind, groups, run, bareRun);
      run++;
      rows.push(r);
      printRow(r);
    };
    for (const kind of KINDS) if (wanted(kind)) await row(kind, [[kind, devices[kind]]]);
    // Mixed: the same number of messages, spread over every kind's devices.
    const share = Math.max(1, Math.round(PER_KIND / KINDS.length));
    if (wanted('mixed')) await row('mixed', KINDS.map((k) => [k, devices[k].slice(0, share)]));
    if (wanted('alert')) {
      for (const r of await measureAlerts(p, database, devices.reading, run++)) {
        rows.push(r);
        printRow(r);
      }
    }
  } finally {
    await p.stop();
  }
  return rows;
}

const only = process.env.ONLY?.split(',');
const wanted = (kind: string) => !only || only.includes(kind);
/** Anything asked of the path bench's own server (the fleet has one of its own). */
const pathRows = !only || only.some((k) => k !== 'fleet');

function printRow(r: Row): void {
  console.log(`  ${r.database} ${r.kind}: ${JSON.stringify({ ...r, database: undefined, kind: undefined })}`);
}

const withPostgres = <T>(f: (url: string) => Promise<T>) => withThrowawayDatabase(PG_URL, 'estate_path_bench', f);

function minutesFromNow(count: number): string[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => new Date(Math.floor(now / 60_000) * 60_000 + (i + 2) * 60_000).toISOString().slice(11, 16));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'estate-path-bench-'));
  const siteDir = join(dir, 'sites');
  mkdirSync(siteDir);
  const siteFile = join(siteDir, 'bench.yaml');
  writeFileSync(siteFile, siteYaml(PER_KIND, SMOKE ? [] : minutesFromNow(120)));
  console.log(
    `path bench${SMOKE ? ' (smoke)' : ''}: ${PER_KIND} devices per kind × ${MESSAGES} QoS 1 messages, ${INFLIGHT} in flight each; ` +
      `alerts under ${ALERT_LOAD} msg/s for ${ALERT_SECONDS} s; ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`,
  );
  const bare = await startBare();
  const rows: Row[] = [];
  try {
    if (process.env.PG !== 'off' && !SMOKE) {
      if (pathRows) rows.push(...((await withPostgres((url) => benchDatabase('PostgreSQL', siteFile, { url }, bare))) ?? []));
      if (wanted('fleet') && FLEET > 0) rows.push(...((await withPostgres((url) => fleetRows('PostgreSQL', dir, { url }))) ?? []));
    }
    if (process.env.PGLITE !== 'off') {
      const dataDir = join(dir, 'pglite');
      if (pathRows) rows.push(...(await benchDatabase('PGlite', siteFile, { dataDir }, bare)));
      if (wanted('fleet') && FLEET > 0) rows.push(...(await fleetRows('PGlite', dir, { dataDir: join(dir, 'pglite-fleet') })));
    }
  } finally {
    bare.child.send({ stop: true });
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nload average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const blank = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v ?? '']));
  console.table(
    rows.map((r) => blank({
      database: r.database,
      kind: r.kind,
      'bare msg/s': r.bare,
      'product msg/s': r.product,
      ratio: r.bare && r.product ? round(r.product / r.bare, 3) : undefined,
      'acked msg/s': r.ackedPerSec,
      acked: r.acked,
      applied: r.applied,
      lost: r.lost,
      p50: r.p50,
      p99: r.p99,
      'p of': r.note,
      'server RSS MiB': r.rssMiB,
      'CPU µs/msg server': r.serverUs,
      'pg': r.databaseUs,
      'bare': r.bareUs,
    })),
  );
  // The smoke (CI) asserts only that it ran and lost nothing; the full bench asserts nothing.
  const lost = rows.filter((r) => r.product !== undefined && (r.lost !== 0 || !Number.isFinite(r.product)));
  if (SMOKE && (rows.length === 0 || lost.length > 0)) {
    console.error(`smoke: ${rows.length === 0 ? 'nothing measured' : `lost messages in ${lost.map((r) => `${r.database} ${r.kind}`).join(', ')}`}`);
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
