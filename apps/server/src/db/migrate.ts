import type { Database } from './database';
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
  { version: 21, name: 'ingest-write-path', up: ingestWritePath.up },
];

const LOCK_KEY = 7_253_001; // pg_advisory_lock key: several server instances may start at once

export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied boolean NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
  if (db.kind === 'postgres') await db.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const ran: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      const applies = m.onlyIf ? (await db.query(m.onlyIf)).length > 0 : true;
      await db.transaction(async (tx) => {
        if (applies) {
          for (const statement of splitStatements(m.up)) await tx.query(statement);
          if (m.extra && (await tx.query(m.extra.onlyIf)).length > 0) {
            for (const statement of splitStatements(m.extra.up)) await tx.query(statement);
          }
        }
        await tx.query('INSERT INTO schema_migrations (version, name, applied) VALUES ($1, $2, $3)', [m.version, m.name, applies]);
      });
      if (applies) ran.push(m.version);
    }
    return ran;
  } finally {
    if (db.kind === 'postgres') await db.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}

/** Our migrations hold no string literal with a semicolon, so splitting on `;` at line end is safe. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !/^(--[^\n]*\n?)+$/.test(s));
}
