// Ingest benchmark: N real MQTT.js clients over loopback TCP publish QoS 1 taps to the embedded
// broker; each publish is acknowledged only after its grouped commit. Prints figures, asserts
// nothing. Bounded in count (CLIENTS × MESSAGES) and time (MAX_SECONDS).
//
//   npx tsx bench/ingest-bench.ts            (runs this file under bench/tsconfig.json)
//   CLIENTS=50 MESSAGES=1000 INFLIGHT=50 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/ingest-bench.ts
//   PGLITE=off DATABASE_URL=… npx tsx bench/ingest-bench.ts        (PostgreSQL only)
//
// With DATABASE_URL set it also runs on PostgreSQL, in a fresh database that it drops after.
//
// With MQTT_URL set the devices publish to that broker instead (e.g. a local Mosquitto) and the
// server consumes it through ExternalBroker over SHARDS connections (8 by default). There the
// broker acknowledges the devices itself, so msg/s is measured at the server (first message
// stored → last) and PUBACK latencies are not shown. The broker must queue the whole burst for
// the server (as deploy/mosquitto does): Mosquitto's default max_queued_messages (1000) drops
// the rest, which shows as fewer messages than CLIENTS × MESSAGES.
//   MQTT_URL=mqtt://127.0.0.1:1883 SHARDS=8 CLIENTS=20 MESSAGES=250 npx tsx bench/ingest-bench.ts
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { parseSiteConfig } from '@estate-watch/contracts';
import { EmbeddedBroker } from '../apps/server/src/broker/embedded-broker';
import { ExternalBroker } from '../apps/server/src/broker/external-broker';
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
const MQTT_URL = process.env.MQTT_URL;
const SHARDS = Number(process.env.SHARDS ?? 8);

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
  const yaml = `site: { id: bench, name: Bench, timezone: UTC }\ndepartments:\n  - { id: security, name: Security, sla: { acceptMin: 10, resolveMin: 60 } }\nrouting: { device.offline: security }\ncheckpoints:\n${checkpoints}\n`;
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
function runClients(host: string, port: number): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'ingest-bench.clients.ts'), [], {
      execArgv: process.execArgv,
      env: { ...process.env, BENCH_HOST: host, BENCH_PORT: String(port), CLIENTS: String(CLIENTS), MESSAGES: String(MESSAGES), INFLIGHT: String(INFLIGHT), MAX_SECONDS: String(MAX_SECONDS) },
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
  ingest.register({ name: 'count', selects: {}, applyBatch: async (batch) => void (handled += batch.length) });
  await ingest.start();
  const { broker, host, port } = await startBroker(ingest, sites);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const consumed = MQTT_URL ? untilConsumed(ingest, CLIENTS * MESSAGES) : undefined;
  const report = await runClients(host, port);
  const seconds = consumed ? await consumed : report.seconds;
  clearInterval(sampler);
  // Through an external broker the devices' PUBACKs are the broker's, not the server's.
  const latencies = MQTT_URL ? [] : report.latencies;
  await ingest.settled();

  const stats = ingest.stats();
  const [{ n: stored }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM device_messages')) as [{ n: number }];
  await broker.stop();
  if (MQTT_URL) await dropSessions(MQTT_URL, `estate-bench-${process.pid}`);
  await ingest.stop();
  const messages = MQTT_URL ? stats.accepted : report.acked;
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

async function startBroker(ingest: IngestService, sites: SitesService): Promise<{ broker: EmbeddedBroker | ExternalBroker; host: string; port: number }> {
  if (!MQTT_URL) {
    // No broker limits: this measures ingest, not the per-device rate (broker-limits.ts).
    const broker = new EmbeddedBroker(ingest, sites, { port: 0, host: '127.0.0.1', limits: { connectionsPerSec: 0, deviceMessagesPerSec: 0 } });
    return { broker, host: '127.0.0.1', port: await broker.start() };
  }
  const broker = new ExternalBroker(ingest, { url: MQTT_URL, clientId: `estate-bench-${process.pid}`, devices: sites.allDevices(), shards: SHARDS });
  await broker.start();
  const url = new URL(MQTT_URL);
  return { broker, host: url.hostname, port: Number(url.port || 1883) };
}

/**
 * Seconds from the first stored message until `expected` are, or until none arrive for 5 s (the
 * broker dropped some, or MAX_SECONDS cut the devices short).
 */
async function untilConsumed(ingest: IngestService, expected: number): Promise<number> {
  const deadline = performance.now() + MAX_SECONDS * 1000;
  let first: number | undefined;
  let last = 0;
  let lastChange = performance.now();
  for (;;) {
    const { accepted, duplicates } = ingest.stats();
    const now = performance.now();
    if (accepted + duplicates !== last) [last, lastChange] = [accepted + duplicates, now];
    if (last > 0) first ??= now;
    if (first !== undefined && (last >= expected || now - lastChange > 5000)) return (lastChange - first) / 1000;
    if (now > deadline) return NaN;
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Leaves no persistent session of the bench's server behind on the broker. */
async function dropSessions(url: string, base: string): Promise<void> {
  for (let i = 0; i < SHARDS; i++) {
    const client = connect(url, { clientId: `${base}-${i}`, clean: true, reconnectPeriod: 0 });
    await new Promise<void>((resolve) => (client.once('connect', () => resolve()), client.once('error', () => resolve())));
    await client.endAsync(true);
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

async function main(): Promise<void> {
  console.log(`ingest bench${MQTT_URL ? ` through ${MQTT_URL}, ${SHARDS} server connections` : ''}: ${CLIENTS} MQTT.js clients × ${MESSAGES} QoS 1 taps, ${INFLIGHT} in flight per client, loopback, max ${MAX_SECONDS} s per run`);
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
