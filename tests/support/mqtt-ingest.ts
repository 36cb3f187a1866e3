// Shared by the MQTT and ingest suites: one small site, an opened database, a recording handler.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSiteConfig, type SiteConfig } from '@estate-watch/contracts';
import { ManualClock, type Clock } from '../../apps/server/src/common/clock';
import type { Database } from '../../apps/server/src/db/database';
import { migrate } from '../../apps/server/src/db/migrate';
import { PgliteDatabase } from '../../apps/server/src/db/pglite-database';
import { PostgresDatabase } from '../../apps/server/src/db/postgres-database';
import type { AcceptedMessage, MessageHandler } from '../../apps/server/src/ingest/accepted-message';
import { IngestHandler } from '../../apps/server/src/ingest/ingest-handler';
import { IngestRepository } from '../../apps/server/src/ingest/ingest.repository';
import { IngestService, type IngestOptions } from '../../apps/server/src/ingest/ingest.service';
import { SitesService } from '../../apps/server/src/sites/sites.service';

export const SITE_YAML = `
site: { id: lakeside, name: Lakeside, timezone: Asia/Shanghai, heartbeatSec: 60 }
departments:
  - { id: security, name: Security, sla: { acceptMin: 10, resolveMin: 60 } }
  - { id: engineering, name: Engineering, sla: { acceptMin: 15, resolveMin: 240 } }
  - { id: parking, name: Parking, sla: { acceptMin: 5, resolveMin: 30 } }
  - { id: cleaning, name: Cleaning, sla: { acceptMin: 15, resolveMin: 120 } }
checkpoints:
  - { id: cp-1, name: North gate, x: 0, y: 0, secret: secret-cp-1 }
  - { id: cp-2, name: Garage, x: 1, y: 1, secret: secret-cp-2 }
lots:
  - { id: lot-1, name: Lot, capacity: 10 }
gates:
  - { id: gate-1, name: Gate, lot: lot-1, secret: secret-gate-1 }
dispensers:
  - { id: soap-1, name: Soap, consumable: soap, lowPct: 20, emptyPct: 5, secret: secret-soap-1 }
sensors:
  - { id: boiler-1, name: Boiler, secret: secret-boiler-1 }
`;

export const SITE: SiteConfig = parseSiteConfig(SITE_YAML, 'fixture.yaml');
export const NOW = '2026-11-27T09:00:00.000Z';

export function testClock(): ManualClock {
  return new ManualClock(NOW);
}

/** In memory when no dir is given; a directory makes restarts testable. */
export async function openPglite(dataDir?: string): Promise<Database> {
  const db = await PgliteDatabase.open(dataDir);
  await migrate(db);
  return db;
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A fresh PostgreSQL database for one suite run, dropped afterwards. */
export async function openFreshPostgres(adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'): Promise<{ db: Database; url: string; drop(): Promise<void> }> {
  const name = `estate_test_${Math.random().toString(36).slice(2, 10)}`;
  const admin = await PostgresDatabase.open(adminUrl, 1);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await PostgresDatabase.open(url.toString());
  await migrate(db);
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

export interface IngestFixture {
  db: Database;
  sites: SitesService;
  ingest: IngestService;
  repo: IngestRepository;
  handler: RecordingHandler;
}

export async function ingestOn(db: Database, clock: Clock, options: IngestOptions = {}): Promise<IngestFixture> {
  const sites = new SitesService([SITE], db);
  await sites.syncToDatabase();
  const repo = new IngestRepository(db);
  const ingest = new IngestService(repo, sites, clock, options);
  const handler = new RecordingHandler();
  ingest.register(handler);
  await ingest.start();
  return { db, sites, ingest, repo, handler };
}

/** Records what it is handed; wait for a count without sleeping. */
@IngestHandler()
export class RecordingHandler implements MessageHandler {
  readonly name = 'recording';
  readonly selects = {};
  readonly seen: AcceptedMessage[] = [];
  private waiters: { count: number; resolve(): void }[] = [];

  async applyBatch(batch: readonly AcceptedMessage[]): Promise<void> {
    this.seen.push(...batch);
    this.waiters = this.waiters.filter((w) => (this.seen.length >= w.count ? (w.resolve(), false) : true));
  }

  until(count: number): Promise<void> {
    if (this.seen.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

let counter = 0;
/** A valid envelope, `ts` a second before the fixture clock. */
export function envelope(extra: Record<string, unknown>, id = `m-${++counter}`): Record<string, unknown> {
  return { id, ts: '2026-11-27T08:59:59.000Z', ...extra };
}

export const TOPIC = {
  tap: 'estate/v1/lakeside/checkpoint/cp-1/event',
  cp1Status: 'estate/v1/lakeside/checkpoint/cp-1/status',
  cp2Event: 'estate/v1/lakeside/checkpoint/cp-2/event',
  soapTelemetry: 'estate/v1/lakeside/dispenser/soap-1/telemetry',
  gateCmd: 'estate/v1/lakeside/gate/gate-1/cmd',
  gateAck: 'estate/v1/lakeside/gate/gate-1/ack',
  cp1Cmd: 'estate/v1/lakeside/checkpoint/cp-1/cmd',
} as const;

export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
