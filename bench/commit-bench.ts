// The grouped commit alone (issue 9.2): IngestRepository.commitBatch on batches of the path bench's
// mixed traffic (gate passes, taps, dispenser levels, sensor readings, statuses), against PGlite on
// disk and a throw-away PostgreSQL database. Prints ms per batch and µs per message, of this
// process's CPU (PGlite computes here) and of the wall clock. Asserts nothing.
//
//   npx tsx --tsconfig bench/tsconfig.json bench/commit-bench.ts      BATCH=1000 BATCHES=20 BACKENDS=pglite,postgres
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceKind, UpstreamStream } from '@estate-watch/contracts';
import type { Database } from '../apps/server/src/db/database';
import { migrate } from '../apps/server/src/db/migrate';
import { openDatabase } from '../apps/server/src/db/open-database';
import type { ValidMessage } from '../apps/server/src/ingest/incoming-message';
import { IngestRepository } from '../apps/server/src/ingest/ingest.repository';
import { backendSeconds } from './process-cpu';
import { withThrowawayDatabase } from './throwaway-database';

const BATCH = Number(process.env.BATCH ?? 1000);
const BATCHES = Number(process.env.BATCHES ?? 20);
const BACKENDS = (process.env.BACKENDS ?? 'pglite,postgres').split(',');
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SITE = 'bench';
const PER_KIND = 4;

const traffic: { kind: DeviceKind; prefix: string; stream: UpstreamStream; payload: (n: number) => Record<string, unknown> }[] = [
  { kind: 'gate', prefix: 'g', stream: 'event', payload: () => ({ type: 'pass', direction: 'in', credential: 'card' }) },
  { kind: 'checkpoint', prefix: 'cp', stream: 'event', payload: () => ({ type: 'tap', card: '04A1B2C3D4E5F6' }) },
  { kind: 'dispenser', prefix: 'd', stream: 'telemetry', payload: (n) => ({ level: 30 + (n % 50) }) },
  { kind: 'sensor', prefix: 's', stream: 'telemetry', payload: (n) => ({ readings: { temperature_c: 20 + (n % 30) } }) },
  { kind: 'sensor', prefix: 'st', stream: 'status', payload: (n) => ({ online: true, fw: `r1-${n}`, battery: 80 }) },
];

function batchOf(b: number): ValidMessage[] {
  const now = new Date();
  return Array.from({ length: BATCH }, (_, i) => {
    const t = traffic[i % traffic.length]!;
    const device = `${t.prefix}-${Math.floor(i / traffic.length) % PER_KIND}`;
    const n = b * BATCH + i;
    const id = `r1-${n}`;
    return { siteId: SITE, deviceId: device, kind: t.kind, stream: t.stream, msgId: id, payload: { id, ts: now.toISOString(), ...t.payload(n) }, observedAt: now, receivedAt: now, lastWill: false };
  });
}

async function run(name: string, db: Database, databaseName?: string): Promise<void> {
  await migrate(db);
  await db.query(`INSERT INTO sites (id, name, timezone, heartbeat_sec, config, updated_at) VALUES ($1, 'Bench', 'UTC', 60, '{}', now())`, [SITE]);
  for (const t of traffic) {
    for (let k = 0; k < PER_KIND; k++) await db.query('INSERT INTO devices (site_id, id, kind, name) VALUES ($1, $2, $3, $2) ON CONFLICT DO NOTHING', [SITE, `${t.prefix}-${k}`, t.kind]);
  }
  const repo = new IngestRepository(db);
  const batches = Array.from({ length: BATCHES + 2 }, (_, b) => batchOf(b));
  for (const warm of batches.slice(0, 2)) await repo.commitBatch(warm, []);
  const cpu0 = process.cpuUsage();
  const pg0 = backendSeconds(databaseName);
  const t0 = performance.now();
  for (const batch of batches.slice(2)) await repo.commitBatch(batch, []);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const pg = backendSeconds(databaseName) - pg0;
  const n = BATCHES * BATCH;
  const backends = databaseName ? `, ${((pg * 1e6) / n).toFixed(1)} µs CPU of PostgreSQL` : '';
  console.log(`${name}: ${BATCHES} batches of ${BATCH}: ${(wall / BATCHES).toFixed(1)} ms per batch; per message ${((wall * 1000) / n).toFixed(1)} µs wall, ${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU of this process${backends}`);
}

async function main(): Promise<void> {
  if (BACKENDS.includes('pglite')) {
    const dir = mkdtempSync(join(tmpdir(), 'estate-commit-bench-'));
    const db = await openDatabase({ dataDir: dir });
    try {
      await run('PGlite (on disk)', db);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (BACKENDS.includes('postgres')) {
    await withThrowawayDatabase(PG_URL, 'estate_commit_bench', async (url) => {
      const db = await openDatabase({ databaseUrl: url });
      try {
        await run('PostgreSQL', db, new URL(url).pathname.slice(1));
      } finally {
        await db.close();
      }
    });
  }
}

void main();
