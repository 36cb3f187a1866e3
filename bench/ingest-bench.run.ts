// Ingest benchmark: N real MQTT.js clients over loopback TCP publish QoS 1 taps to the embedded
// broker; each publish is acknowledged only after its grouped commit. Prints figures, asserts
// nothing. Bounded in count (CLIENTS × MESSAGES) and time (MAX_SECONDS).
//
//   npx tsx bench/ingest-bench.ts            (runs this file under bench/tsconfig.json)
//   CLIENTS=50 MESSAGES=1000 INFLIGHT=50 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/ingest-bench.ts
//   PGLITE=off DATABASE_URL=… npx tsx bench/ingest-bench.ts        (PostgreSQL only)
//
// With DATABASE_URL set it also runs on PostgreSQL, in a fresh database that it drops after.
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSiteConfig } from '@estate-watch/contracts';
import { EmbeddedBroker } from '../apps/server/src/broker/embedded-broker';
import { systemClock } from '../apps/server/src/common/clock';
import type { Database } from '../apps/server/src/db/database';
import { migrate } from '../apps/server/src/db/migrate';
import { PgliteDatabase } from '../apps/server/src/db/pglite-database';
import { PostgresDatabase } from '../apps/server/src/db/postgres-database';
import { IngestRepository } from '../apps/server/src/ingest/ingest.repository';
import { IngestService } from '../apps/server/src/ingest/ingest.service';
import { SitesService } from '../apps/server/src/sites/sites.service';

const CLIENTS = Number(process.env.CLIENTS ?? 20);
const MESSAGES = Number(process.env.MESSAGES ?? 2000);
const INFLIGHT = Number(process.env.INFLIGHT ?? 100);
const MAX_SECONDS = Number(process.env.MAX_SECONDS ?? 60);

interface Figures {
  database: string;
  messages: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  batches: number;
  avgBatch: number;
  peakRssMiB: number;
  stored: number;
  handled: number;
}

function site() {
  const checkpoints = Array.from({ length: CLIENTS }, (_, i) => `  - { id: cp-${i}, name: CP ${i}, x: 0, y: 0, secret: secret-${i} }`).join('\n');
  const yaml = `site: { id: bench, name: Bench, timezone: UTC }\ndepartments:\n  - { id: security, name: Security, sla: { acceptMin: 10, resolveMin: 60 } }\ncheckpoints:\n${checkpoints}\n`;
  return parseSiteConfig(yaml, 'bench.yaml');
}

interface ClientReport {
  acked: number;
  seconds: number;
  latencies: number[];
}

/**
 * The devices run in a child process (bench/ingest-bench.clients.ts), so client work does not
 * share the server's event loop and the figures are the server's.
 */
function runClients(port: number): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'ingest-bench.clients.ts'), [], {
      execArgv: process.execArgv,
      env: { ...process.env, BENCH_PORT: String(port), CLIENTS: String(CLIENTS), MESSAGES: String(MESSAGES), INFLIGHT: String(INFLIGHT), MAX_SECONDS: String(MAX_SECONDS) },
    });
    child.once('message', (report) => resolve(report as ClientReport));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`bench clients exited with ${code}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function run(database: string, db: Database): Promise<Figures> {
  await migrate(db);
  const sites = new SitesService([site()], db);
  await sites.syncToDatabase();
  const ingest = new IngestService(new IngestRepository(db), sites, systemClock, { rejectionLogPerMinute: 5 });
  let handled = 0;
  ingest.register({ name: 'count', handle: async () => void handled++ });
  await ingest.start();
  const broker = new EmbeddedBroker(ingest, sites, { port: 0, host: '127.0.0.1' });
  const port = await broker.start();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const report = await runClients(port);
  clearInterval(sampler);
  const { latencies } = report;
  const seconds = report.seconds;
  await ingest.settled();

  const stats = ingest.stats();
  const [{ n: stored }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM device_messages')) as [{ n: number }];
  await broker.stop();
  await ingest.stop();
  const messages = report.acked;
  latencies.sort((a, b) => a - b);
  return {
    database,
    messages,
    seconds: round(seconds, 2),
    perSecond: Math.round(messages / seconds),
    p50: round(percentile(latencies, 50), 1),
    p95: round(percentile(latencies, 95), 1),
    p99: round(percentile(latencies, 99), 1),
    batches: stats.batches,
    avgBatch: round(stats.accepted / Math.max(1, stats.batches), 1),
    peakRssMiB: Math.round(peakRss / 1024 / 1024),
    stored,
    handled,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

async function main(): Promise<void> {
  console.log(`ingest bench: ${CLIENTS} MQTT.js clients × ${MESSAGES} QoS 1 taps, ${INFLIGHT} in flight per client, loopback, max ${MAX_SECONDS} s per run`);
  const results: Figures[] = [];

  if (process.env.PGLITE !== 'off') {
    const dir = mkdtempSync(join(tmpdir(), 'estate-bench-'));
    const pglite = await PgliteDatabase.open(dir);
    try {
      results.push(await run('PGlite (data dir on disk)', pglite));
    } finally {
      await pglite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  if (process.env.DATABASE_URL) {
    const name = `estate_bench_${Math.random().toString(36).slice(2, 10)}`;
    const admin = await PostgresDatabase.open(process.env.DATABASE_URL, 1);
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    const pg = await PostgresDatabase.open(url.toString());
    try {
      results.push(await run('PostgreSQL', pg));
    } finally {
      await pg.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    }
  }

  console.table(
    results.map((r) => ({
      database: r.database,
      'messages': r.messages,
      'stored': r.stored,
      'handled': r.handled,
      'seconds': r.seconds,
      'msg/s': r.perSecond,
      'PUBACK p50 ms': r.p50,
      'p95 ms': r.p95,
      'p99 ms': r.p99,
      'commits': r.batches,
      'avg batch': r.avgBatch,
      'server peak RSS MiB': r.peakRssMiB,
    })),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
