// Issue 11.6: on TimescaleDB, GET /api/telemetry?step= reads the continuous aggregate telemetry_1m
// (telemetry.repository.ts). Run on PGlite with TimescaleDB 2.23: the answers equal the same
// buckets worked out here from the raw rows, before and after the refresh policy ran, after the
// raw chunks were dropped, and for the newest minutes the aggregate has not materialized yet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetryBucketDto, TelemetryDto } from '@estate-watch/contracts';
import { ManualClock } from '../common/clock';
import { openTestDatabase, type TestDatabase } from '../db/database.testing';
import { SitesService } from '../sites/sites.service';
import { testSite } from '../sites/sites.testing';
import { TelemetryRepository } from './telemetry.repository';
import { TelemetryService } from './telemetry.service';

const HOUR = 3_600_000;
// TimescaleDB's jobs and refresh windows follow the real clock: the data sits two days back, inside
// the refresh policy's window (3 days to 1 minute ago) and before the newest 1-day chunk.
const NOW = new Date();
const T0 = new Date(Math.floor((NOW.getTime() - 48 * HOUR) / HOUR) * HOUR);
const at = (ms: number) => new Date(T0.getTime() + ms).toISOString();
const ORIGIN = Date.parse('1999-12-31T16:00:00Z'); // site-local (Asia/Shanghai) midnight of 2000-01-01

interface Row {
  metric: string;
  time: Date;
  value: number;
}

/** The buckets of [from, to) at `stepMs`, from raw rows, as the contract defines them (telemetry/README.md). */
function expected(rows: Row[], from: string, to: string, stepMs: number): Record<string, TelemetryBucketDto[]> {
  const out: Record<string, Map<number, number[]>> = {};
  for (const r of rows) {
    const t = r.time.getTime();
    if (t < Date.parse(from) || t >= Date.parse(to)) continue;
    const bucket = ORIGIN + Math.floor((t - ORIGIN) / stepMs) * stepMs;
    const series = (out[r.metric] ??= new Map());
    series.set(bucket, [...(series.get(bucket) ?? []), r.value]);
  }
  return Object.fromEntries(
    Object.entries(out).map(([metric, series]) => [
      metric,
      [...series.entries()]
        .sort(([a], [b]) => a - b)
        .map(([t, vs]) => ({ t: new Date(t).toISOString(), avg: vs.reduce((s, v) => s + v, 0) / vs.length, min: Math.min(...vs), max: Math.max(...vs), count: vs.length })),
    ]),
  );
}

/** The answer's buckets by metric; avg to 9 decimals (a minute's sum is avg × count, to rounding). */
function answered(answer: TelemetryDto): Record<string, TelemetryBucketDto[]> {
  return Object.fromEntries(answer.series.map((s) => [s.metric, (s.points as TelemetryBucketDto[]).map((p) => ({ ...p, avg: round(p.avg) }))]));
}
const round = (v: number) => Math.round(v * 1e9) / 1e9;
const rounded = (e: Record<string, TelemetryBucketDto[]>) =>
  Object.fromEntries(Object.entries(e).map(([m, ps]) => [m, ps.map((p) => ({ ...p, avg: round(p.avg) }))]));

describe('GET /api/telemetry through the continuous aggregate (TimescaleDB)', () => {
  let t: TestDatabase;
  let telemetry: TelemetryService;
  let rows: Row[];

  // temperature every 7 s for 3 h, pressure every 13 s for 2 h; irregular values, some repeated.
  beforeAll(async () => {
    t = await openTestDatabase('timescale');
    await new SitesService([testSite()], t.db).syncToDatabase();
    await t.db.query(
      `INSERT INTO telemetry (time, site_id, device_id, metric, value)
       SELECT $1::timestamptz + s * interval '1 second', 'testsite', 'boiler-1', 'temperature_c', 40 + (s * 37 % 101) / 4.0
       FROM generate_series(0, 3 * 3600 - 1, 7) s
       UNION ALL
       SELECT $1::timestamptz + s * interval '1 second', 'testsite', 'boiler-1', 'pressure_kpa', 101.3 + sin(s) * 3
       FROM generate_series(5, 2 * 3600 - 1, 13) s`,
      [T0.toISOString()],
    );
    rows = (await t.db.query<Row>(`SELECT metric, time, value FROM telemetry`)).map((r) => ({ ...r, time: new Date(r.time) }));
    telemetry = new TelemetryService(new TelemetryRepository(t.db), new ManualClock(NOW));
  });
  afterAll(() => t?.drop());

  const cases = [
    { name: '1m over the whole 3 h', from: at(0), to: at(3 * HOUR), step: '1m', stepMs: 60_000 },
    { name: '5m, a range that starts and ends mid-minute (raw rows for the partial minutes)', from: at(95_000), to: at(2 * HOUR + 20_000), step: '5m', stepMs: 300_000 },
    { name: '1h, one metric', from: at(0), to: at(3 * HOUR), step: '1h', stepMs: HOUR, metric: 'pressure_kpa' },
    { name: '1d: site-local days', from: at(-HOUR), to: at(4 * HOUR), step: '1d', stepMs: 24 * HOUR },
  ];
  const ask = (c: (typeof cases)[number]) => telemetry.query({ device: 'boiler-1', from: c.from, to: c.to, step: c.step, metric: c.metric });
  const want = (c: (typeof cases)[number]) => {
    const all = expected(rows, c.from, c.to, c.stepMs);
    return rounded(c.metric ? { [c.metric]: all[c.metric] ?? [] } : all);
  };

  it.each(cases)('before any refresh (the view reads raw rows): $name', async (c) => {
    expect(answered(await ask(c))).toEqual(want(c));
  });

  it('the registered refresh policy materializes the minutes; answers stay the same', async () => {
    const [job] = await t.db.query<{ job_id: number }>(
      `SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate' AND hypertable_name = 'telemetry_1m'`,
    );
    await t.db.query(`CALL run_job($1)`, [job!.job_id]);
    const [materialized] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM telemetry_1m WHERE bucket < $1`, [at(3 * HOUR)],
    );
    expect(materialized!.n).toBe(180 + 120); // minutes with readings: 3 h of temperature, 2 h of pressure
    for (const c of cases) expect(answered(await ask(c)), c.name).toEqual(want(c));
  });

  it('after the raw chunks are dropped (as the 90-day retention does), the whole minutes still answer from telemetry_1m', async () => {
    await t.db.query(`SELECT drop_chunks('telemetry', older_than => $1::timestamptz)`, [new Date(NOW.getTime() - HOUR).toISOString()]);
    expect(await t.db.query(`SELECT 1 FROM telemetry WHERE time < $1`, [at(4 * HOUR)])).toEqual([]);
    const c = cases[0]!;
    expect(answered(await ask(c))).toEqual(want(c));
  });

  it('readings newer than the last refresh are in the answer (real-time aggregation, migration 010)', async () => {
    const recent = new Date(Math.floor(NOW.getTime() / 60_000) * 60_000 - 60_000); // the last whole minute before now
    await t.db.query(
      `INSERT INTO telemetry (time, site_id, device_id, metric, value) VALUES ($1, 'testsite', 'boiler-1', 'temperature_c', 50), ($2, 'testsite', 'boiler-1', 'temperature_c', 54)`,
      [recent.toISOString(), new Date(recent.getTime() + 30_000).toISOString()],
    );
    const answer = await telemetry.query({ device: 'boiler-1', metric: 'temperature_c', from: new Date(recent.getTime() - 10 * 60_000).toISOString(), to: NOW.toISOString(), step: '1m' });
    expect(answer.series[0]?.points).toEqual([{ t: recent.toISOString(), avg: 52, min: 50, max: 54, count: 2 }]);
  });
});
