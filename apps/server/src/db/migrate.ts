import type { Database, Queryable } from './database';
import * as init from './migrations/001-init';
import * as timescale from './migrations/002-timescale';
import * as workOrders from './migrations/003-work-orders';
import * as patrol from './migrations/004-patrol';
import * as telemetry from './migrations/005-telemetry';
import * as devicesRules from './migrations/006-devices-rules';
import * as handlerPipelines from './migrations/007-handler-pipelines';
import * as audit from './migrations/008-audit';
import * as readPaths from './migrations/010-read-paths';
import * as handlerBatches from './migrations/011-handler-batches';
import * as cluster from './migrations/013-cluster';
import * as alertSnooze from './migrations/014-alert-snooze';
import * as guardsFindings from './migrations/015-guards-findings';
import * as roundRevisions from './migrations/016-round-revisions';
import * as historyUsers from './migrations/018-history-users';
import * as systemNotes from './migrations/019-system-notes';
import * as deviceVerified from './migrations/020-device-verified';
import * as ingestWritePath from './migrations/021-ingest-write-path';

interface Migration {
  version: number;
  name: string;
  up: string;
  /** Skip (and record as skipped) when this query returns no row. */
  onlyIf?: string;
  /** More SQL for the same transaction, run only when its query returns a row (TimescaleDB-only objects of a table `up` creates). */
  extra?: { up: string; onlyIf: string };
}

/** Versioned, append-only: never edit a released migration, add the next one. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'init', up: init.up },
  { version: 2, name: 'timescale', up: timescale.up, onlyIf: timescale.availableSql },
  { version: 3, name: 'work-orders', up: workOrders.up },
  { version: 4, name: 'patrol', up: patrol.up },
  { version: 5, name: 'telemetry', up: telemetry.up, extra: { up: telemetry.timescaleUp, onlyIf: telemetry.timescaleSql } },
  { version: 6, name: 'devices-rules', up: devicesRules.up },
  { version: 7, name: 'handler-pipelines', up: handlerPipelines.up },
  { version: 8, name: 'audit', up: audit.up },
  { version: 10, name: 'read-paths', up: readPaths.up, extra: { up: readPaths.timescaleUp, onlyIf: readPaths.timescaleSql } },
  { version: 11, name: 'handler-batches', up: handlerBatches.up },
  { version: 13, name: 'cluster', up: cluster.up },
  { version: 14, name: 'alert-snooze', up: alertSnooze.up },
  { version: 15, name: 'guards-findings', up: guardsFindings.up },
  { version: 16, name: 'round-revisions', up: roundRevisions.up },
  { version: 18, name: 'history-users', up: historyUsers.up, extra: { up: historyUsers.trigramUp, onlyIf: historyUsers.trigramSql } },
  { version: 19, name: 'system-notes', up: systemNotes.up },
  { version: 20, name: 'device-verified', up: deviceVerified.up },
  { version: 21, name: 'ingest-write-path', up: ingestWritePath.up },
];

const LOCK_KEY = 7_253_001; // advisory lock key: several server instances may start at once

/**
 * Each step in its own transaction under a transaction-level advisory lock, the version checked
 * again once the lock is held: servers started together on one database apply each migration
 * once. (A session lock taken through the pool could be released on another connection, and
 * then stay held by an idle one.) The table first, under the lock too: CREATE TABLE IF NOT EXISTS
 * races with itself (its check and its insert into pg_type are not atomic).
 */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const locked = async (tx: Queryable) => {
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
  };
  await db.transaction(async (tx) => {
    await locked(tx);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied boolean NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
  });
  const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
  const ran: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    const applied = await db.transaction(async (tx) => {
      await locked(tx);
      // Another server may have applied it while this one waited for the lock.
      if ((await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version])).length > 0) return false;
      const applies = m.onlyIf ? (await tx.query(m.onlyIf)).length > 0 : true;
      if (applies) {
        for (const statement of splitStatements(m.up)) await tx.query(statement);
        if (m.extra && (await tx.query(m.extra.onlyIf)).length > 0) {
          for (const statement of splitStatements(m.extra.up)) await tx.query(statement);
        }
      }
      await tx.query('INSERT INTO schema_migrations (version, name, applied) VALUES ($1, $2, $3)', [m.version, m.name, applies]);
      return applies;
    });
    if (applied) ran.push(m.version);
  }
  return ran;
}

/** Our migrations hold no string literal with a semicolon, so splitting on `;` at line end is safe. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !/^(--[^\n]*\n?)+$/.test(s));
}
