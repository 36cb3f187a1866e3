// Telemetry bench (issue 5.4). Prints figures, asserts nothing.
//
//   npx tsx --tsconfig bench/tsconfig.json bench/telemetry-bench.ts
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx --tsconfig bench/tsconfig.json bench/telemetry-bench.ts
//   PGLITE=off DATABASE_URL=… …        (PostgreSQL only);  CLIENTS, MESSAGES, METRICS, INFLIGHT, MAX_SECONDS to vary
//
// For each database (PGlite on disk; PostgreSQL in a fresh database dropped after, when DATABASE_URL is set):
// 1. the real ingest path (embedded broker → validation → grouped commit writing device_messages
//    and telemetry in one statement) takes CLIENTS real MQTT.js sensors over loopback TCP (in a
//    child process) publishing QoS 1 telemetry of METRICS readings each; telemetry rows/s =
//    stored rows ÷ seconds until the last PUBACK. The domain handlers are not registered (as in
//    the ingest bench): Nest's injection needs decorator metadata, which tsx does not emit.
// 2. one day of one-second data of one sensor (86,400 rows per metric, 2 metrics) is loaded with
//    SQL, then GET /api/telemetry's work is timed: TelemetryService.query (range rules, device
//    lookup, SQL) plus JSON.stringify of the answer; raw (capped at 10,000 per series) and step=1m.
// 3. when the server is built (apps/server/dist, `npm run build`), the same GETs over HTTP on the
//    real server started from that build on the same database: auth guard, validation, Express.
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSiteConfig, type TelemetryQuery } from '@estate-watch/contracts';
import { EmbeddedBroker } from '../apps/server/src/broker/embedded-broker';
import { systemClock } from '../apps/server/src/common/clock';
import type { Database } from '../apps/server/src/db/database';
import { migrate } from '../apps/server/src/db/migrate';
import { PgliteDatabase } from '../apps/server/src/db/pglite-database';
import { PostgresDatabase } from '../apps/server/src/db/postgres-database';
import { IngestRepository } from '../apps/server/src/ingest/ingest.repository';
import { IngestService } from '../apps/server/src/ingest/ingest.service';
import { SitesService } from '../apps/server/src/sites/sites.service';
import { TelemetryRepository } from '../apps/server/src/telemetry/telemetry.repository';
import { TelemetryService } from '../apps/server/src/telemetry/telemetry.service';

const CLIENTS = Number(process.env.CLIENTS ?? 20);
const MESSAGES = Number(process.env.MESSAGES ?? 1000);
const METRICS = Number(process.env.METRICS ?? 8);
const INFLIGHT = Number(process.env.INFLIGHT ?? 50);
const MAX_SECONDS = Number(process.env.MAX_SECONDS ?? 60);
const QUERY_RUNS = 5;
const BUILT_SERVER = join(__dirname, '../apps/server/dist/bootstrap.js');

interface DayQuery {
  metric?: string;
  step?: string;
}
const DAY_QUERIES: DayQuery[] = [{ metric: 'temperature_c' }, { metric: 'temperature_c', step: '1m' }, {}, { step: '1m' }];
const label = (q: DayQuery) => `${q.metric ? `metric=${q.metric}` : 'all metrics'}${q.step ? ` step=${q.step}` : ' raw'}`;

function site() {
  const sensors = Array.from({ length: CLIENTS }, (_, i) => `  - { id: s-${i}, name: S ${i}, secret: secret-${i} }`).join('\n');
  const yaml = `site: { id: bench, name: Bench, timezone: UTC }
departments:
  - { id: engineering, name: Engineering, sla: { acceptMin: 15, resolveMin: 240 } }
sensors:
${sensors}
  - { id: day-1, name: One day, secret: secret-day }
`;
  return parseSiteConfig(yaml, 'bench.yaml');
}

interface IngestFigures {
  messages: number;
  rows: number;
  seconds: number;
}

function runClients(port: number): Promise<{ acked: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'telemetry-bench.clients.ts'), [], {
      execArgv: process.execArgv,
      env: { ...process.env, BENCH_PORT: String(port), CLIENTS: String(CLIENTS), MESSAGES: String(MESSAGES), METRICS: String(METRICS), INFLIGHT: String(INFLIGHT), MAX_SECONDS: String(MAX_SECONDS) },
    });
    child.once('message', (report) => resolve(report as { acked: number; seconds: number }));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`bench clients exited with ${code}`)));
  });
}

async function ingest(db: Database, sites: SitesService): Promise<IngestFigures & { commits: number; avgBatch: number }> {
  const service = new IngestService(new IngestRepository(db), sites, systemClock, { rejectionLogPerMinute: 5 });
  await service.start();
  // No broker limits: this measures ingest, not the per-device rate (broker-limits.ts).
  const broker = new EmbeddedBroker(service, sites, { port: 0, host: '127.0.0.1', limits: { connectionsPerSec: 0, deviceMessagesPerSec: 0 } });
  const port = await broker.start();
  const report = await runClients(port);
  await service.settled();
  const stats = service.stats();
  await broker.stop();
  await service.stop();
  const [{ n }] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM telemetry WHERE site_id = 'bench' AND device_id LIKE 's-%'`)) as [{ n: number }];
  return { messages: report.acked, rows: n, seconds: report.seconds, commits: stats.batches, avgBatch: Math.round((stats.accepted / Math.max(1, stats.batches)) * 10) / 10 };
}

/** 86,400 one-second points of temperature_c and leak, the day before now (UTC midnight to midnight). */
async function loadDay(db: Database): Promise<{ from: string; to: string; seconds: number }> {
  const to = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
  const from = new Date(to.getTime() - 86_400_000);
  const started = performance.now();
  await db.query(
    `INSERT INTO telemetry (time, site_id, device_id, metric, value)
     SELECT $1::timestamptz + make_interval(secs => s), 'bench', 'day-1', m,
            CASE WHEN m = 'leak' THEN (s % 600 < 30)::int ELSE 60 + 20 * sin(s / 3600.0) END
     FROM generate_series(0, 86399) AS s, unnest(ARRAY['temperature_c', 'leak']) AS m`,
    [from.toISOString()],
  );
  if (db.kind === 'postgres') await db.query('ANALYZE telemetry');
  return { from: from.toISOString(), to: to.toISOString(), seconds: (performance.now() - started) / 1000 };
}

async function timeQuery(telemetry: TelemetryService, query: TelemetryQuery) {
  const times: number[] = [];
  let points = 0;
  let bytes = 0;
  let truncated = false;
  for (let i = 0; i < QUERY_RUNS; i++) {
    const started = performance.now();
    const answer = await telemetry.query(query);
    const json = JSON.stringify(answer);
    times.push(performance.now() - started);
    bytes = json.length;
    points = answer.series.reduce((n, s) => n + s.points.length, 0);
    truncated = answer.truncated;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    query: label(query),
    'first ms': Math.round(times[0] as number),
    'median ms': Math.round(sorted[Math.floor(sorted.length / 2)] as number),
    points,
    truncated,
    'JSON kB': Math.round(bytes / 1024),
  };
}

/** Median of QUERY_RUNS GETs over HTTP against the server built in apps/server/dist. */
async function timeHttp(env: { databaseUrl?: string; dataDir?: string }, day: { from: string; to: string }) {
  // The build, not the sources: Nest's injection needs the decorator metadata tsc emits and tsx does not.
  const { startServer } = (await import(BUILT_SERVER)) as typeof import('../apps/server/src/bootstrap');
  const server = await startServer({ source: {}, sites: [site()], env: { httpPort: 0, mqttPort: 0, simulator: false, logLevel: 'error', ...env } });
  try {
    const login = await fetch(`${server.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'operator', password: 'demo' }) });
    const { token } = (await login.json()) as { token: string };
    const rows = [];
    for (const q of DAY_QUERIES) {
      const params = new URLSearchParams({ device: 'day-1', from: day.from, to: day.to, ...q });
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < QUERY_RUNS; i++) {
        const started = performance.now();
        const res = await fetch(`${server.httpUrl}/api/telemetry?${params}`, { headers: { authorization: `Bearer ${token}` } });
        const text = await res.text();
        times.push(performance.now() - started);
        if (res.status !== 200) throw new Error(`GET /api/telemetry?${params}: ${res.status} ${text}`);
        bytes = text.length;
      }
      const sorted = [...times].sort((a, b) => a - b);
      rows.push({ query: label(q), 'first ms': Math.round(times[0] as number), 'median ms': Math.round(sorted[Math.floor(sorted.length / 2)] as number), 'JSON kB': Math.round(bytes / 1024) });
    }
    return rows;
  } finally {
    await server.close();
  }
}

/** Ingest, then the day's queries through the service; returns the day's range for the HTTP part. */
async function run(database: string, db: Database): Promise<{ from: string; to: string }> {
  await migrate(db);
  const sites = new SitesService([site()], db);
  await sites.syncToDatabase();
  const figures = await ingest(db, sites);
  console.log(`\n${database}: telemetry through MQTT and the grouped commit`);
  console.table([
    {
      'sensors × messages × metrics': `${CLIENTS} × ${MESSAGES} × ${METRICS}`,
      'messages acked': figures.messages,
      'telemetry rows': figures.rows,
      seconds: Math.round(figures.seconds * 100) / 100,
      'msg/s': Math.round(figures.messages / figures.seconds),
      'rows/s': Math.round(figures.rows / figures.seconds),
      commits: figures.commits,
      'avg batch': figures.avgBatch,
    },
  ]);
  const day = await loadDay(db);
  console.log(`${database}: one day of 1 s data loaded by SQL (2 × 86,400 rows) in ${day.seconds.toFixed(1)} s; TelemetryService.query + JSON.stringify, ${QUERY_RUNS} runs each`);
  const telemetry = new TelemetryService(new TelemetryRepository(db), systemClock);
  const rows = [];
  for (const q of DAY_QUERIES) rows.push(await timeQuery(telemetry, { device: 'day-1', from: day.from, to: day.to, ...q }));
  console.table(rows);
  return day;
}

async function http(database: string, env: { databaseUrl?: string; dataDir?: string }, day: { from: string; to: string }): Promise<void> {
  if (!existsSync(BUILT_SERVER)) {
    console.log(`${database}: no ${BUILT_SERVER} (npm run build): GET over HTTP not timed`);
    return;
  }
  console.log(`${database}: GET /api/telemetry over HTTP on the built server, ${QUERY_RUNS} runs each`);
  console.table(await timeHttp(env, day));
}

async function main(): Promise<void> {
  console.log(`telemetry bench: ${CLIENTS} MQTT.js sensors × ${MESSAGES} QoS 1 messages of ${METRICS} readings, ${INFLIGHT} in flight each, loopback; max ${MAX_SECONDS} s`);
  if (process.env.PGLITE !== 'off') {
    const dir = mkdtempSync(join(tmpdir(), 'estate-telemetry-bench-'));
    try {
      const pglite = await PgliteDatabase.open(dir);
      let day: { from: string; to: string };
      try {
        day = await run('PGlite (data dir on disk)', pglite);
      } finally {
        await pglite.close();
      }
      // PGlite is one process's: the server opens the data directory once the bench let go of it.
      await http('PGlite (data dir on disk)', { dataDir: dir }, day);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (process.env.DATABASE_URL) {
    const name = `estate_bench_${Math.random().toString(36).slice(2, 10)}`;
    const admin = await PostgresDatabase.open(process.env.DATABASE_URL, 1);
    await admin.query(`CREATE DATABASE ${name}`); // generated above, never input
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    try {
      const pg = await PostgresDatabase.open(url.toString());
      let day: { from: string; to: string };
      try {
        day = await run('PostgreSQL', pg);
      } finally {
        await pg.close();
      }
      await http('PostgreSQL', { databaseUrl: url.toString() }, day);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
