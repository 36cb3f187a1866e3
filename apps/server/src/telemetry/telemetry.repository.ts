// The only SQL of stored telemetry reads (rows are written by ingest.repository.ts in the grouped
// commit). Parameterised throughout; every query walks the (site_id, device_id, metric, time) index.
import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database, type Queryable } from '../db/database';

export interface DeviceSite {
  siteId: string;
  timezone: string;
}

export interface SeriesRange {
  siteId: string;
  deviceId: string;
  /** undefined: every metric of the device. */
  metric?: string;
  from: Date;
  to: Date;
}

export interface RawRow {
  metric: string;
  t: Date;
  v: number;
}

export interface BucketRow {
  metric: string;
  t: Date;
  avg: number;
  min: number;
  max: number;
  count: number;
}

// The metrics of one device: a loose index scan (one index probe per distinct metric) instead
// of reading every row in the range to find which metrics there are.
const ALL_METRICS = `
  metrics AS (
    (SELECT metric FROM telemetry WHERE site_id = $1 AND device_id = $2 ORDER BY metric LIMIT 1)
    UNION ALL
    SELECT (SELECT t.metric FROM telemetry t WHERE t.site_id = $1 AND t.device_id = $2 AND t.metric > m.metric ORDER BY t.metric LIMIT 1)
    FROM metrics m WHERE m.metric IS NOT NULL
  )`;
const ONE_METRIC = `metrics AS (SELECT $6::text AS metric)`;

// $5 step in seconds, $6 site time zone: the bucket origin is site-local midnight of 2000-01-01.
const BUCKET = `date_bin(make_interval(secs => $5), time, timezone($6, TIMESTAMP '2000-01-01 00:00:00'))`;

// Per metric (the loose index scan above, or the one asked for), each metric's range read on its
// own stretch of the (site_id, device_id, metric, time) index. Filtering all metrics at once by
// time would walk the device's whole history in that index (a month of 1 s data: 2.6 M entries
// for one day's 86,400; bench/year-bench.ts). $7 is the metric asked for, or null for all.
// One metric: MATERIALIZED keeps the same nested-loop plan, whose per-metric aggregate hashes the
// buckets; inlined, the planner sorted the day's 86,400 rows by bucket instead (65 → 33 ms).
const bucketsFromRows = (oneMetric: boolean) => `
  WITH RECURSIVE ${oneMetric ? 'metrics AS MATERIALIZED (SELECT $7::text AS metric)' : ALL_METRICS}
  SELECT m.metric COLLATE "C" AS metric, b.t, b.avg, b.min, b.max, b.count
  FROM metrics m
  CROSS JOIN LATERAL (
    SELECT ${BUCKET} AS t, avg(value) AS avg, min(value) AS min, max(value) AS max, count(*)::int AS count
    FROM telemetry t
    WHERE t.site_id = $1 AND t.device_id = $2 AND t.metric = m.metric AND t.time >= $3 AND t.time < $4
    GROUP BY 1
  ) b
  WHERE m.metric IS NOT NULL AND ($7::text IS NULL OR m.metric = $7)
  ORDER BY 1, 2`;

// TimescaleDB: the whole minutes [$8, $9) of the range from telemetry_1m (real-time: minutes past
// its last refresh come from the raw rows inside the view), the partial minutes at either end from
// the raw rows, so a range that does not start or end on a minute counts exactly the readings in it.
// 1-minute buckets nest in every whole-minute step: the origin (a local midnight in 2000) lies on a
// whole minute in every zone. avg × count gives the minute's sum back (to rounding: ~1e-15 relative).
const BUCKETS_FROM_AGGREGATE = `
  WITH parts AS (
    SELECT metric, bucket AS time, avg * count AS total, count, min, max
    FROM telemetry_1m
    WHERE site_id = $1 AND device_id = $2 AND bucket >= $8 AND bucket < $9 AND ($7::text IS NULL OR metric = $7)
    UNION ALL
    SELECT metric, time, value, 1, value, value
    FROM telemetry
    WHERE site_id = $1 AND device_id = $2 AND ($7::text IS NULL OR metric = $7)
      AND ((time >= $3 AND time < $8) OR (time >= $9 AND time < $4))
  )
  SELECT metric COLLATE "C" AS metric, ${BUCKET} AS t,
         sum(total) / sum(count) AS avg, min(min) AS min, max(max) AS max, sum(count)::int AS count
  FROM parts
  GROUP BY 1, 2
  ORDER BY 1, 2`;

const ceilMinute = (d: Date) => new Date(Math.ceil(d.getTime() / 60_000) * 60_000);
const floorMinute = (d: Date) => new Date(Math.floor(d.getTime() / 60_000) * 60_000);

@Injectable()
export class TelemetryRepository {
  private aggregate: Promise<boolean> | undefined;

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Every site that has (or had: retired devices keep their history) a device with this id. */
  async deviceSites(deviceId: string, siteId?: string): Promise<DeviceSite[]> {
    const rows = await this.db.query<{ site_id: string; timezone: string }>(
      `SELECT d.site_id, s.timezone FROM devices d JOIN sites s ON s.id = d.site_id
       WHERE d.id = $1 AND ($2::text IS NULL OR d.site_id = $2) ORDER BY d.site_id`,
      [deviceId, siteId ?? null],
    );
    return rows.map((r) => ({ siteId: r.site_id, timezone: r.timezone }));
  }

  /** Up to `limit` earliest points of each metric in [from, to), by metric then time. */
  async raw(range: SeriesRange, limit: number): Promise<RawRow[]> {
    const rows = await this.read((tx) => tx.query<{ metric: string; t: Date | string; v: number }>(
      `WITH RECURSIVE ${range.metric === undefined ? ALL_METRICS : ONE_METRIC}
       SELECT m.metric, p.time AS t, p.value AS v
       FROM metrics m
       CROSS JOIN LATERAL (
         SELECT time, value FROM telemetry t
         WHERE t.site_id = $1 AND t.device_id = $2 AND t.metric = m.metric AND t.time >= $3 AND t.time < $4
         ORDER BY t.time LIMIT $5
       ) p
       WHERE m.metric IS NOT NULL
       ORDER BY m.metric COLLATE "C", p.time`,
      this.params(range, limit),
    ));
    return rows.map((r) => ({ metric: r.metric, t: new Date(r.t), v: Number(r.v) }));
  }

  /**
   * avg/min/max/count per bucket of `stepSeconds`, buckets from date_bin with a fixed origin:
   * site-local midnight of 2000-01-01. The origin never depends on the range asked for, so the
   * same bucket has the same bounds in every answer; and a 1d step starts at local midnight.
   * Under TimescaleDB a step of whole minutes reads the 1-minute continuous aggregate instead of
   * every raw row (BUCKETS_FROM_AGGREGATE); elsewhere, and for other steps, the raw rows.
   */
  async buckets(range: SeriesRange, stepSeconds: number, timezone: string): Promise<BucketRow[]> {
    const minutes = { from: ceilMinute(range.from), to: floorMinute(range.to) };
    const viaAggregate = stepSeconds % 60 === 0 && minutes.from < minutes.to && (await this.hasAggregate());
    const rows = await this.read((tx) => tx.query<{ metric: string; t: Date | string; avg: number; min: number; max: number; count: number }>(
      viaAggregate ? BUCKETS_FROM_AGGREGATE : bucketsFromRows(range.metric !== undefined),
      [range.siteId, range.deviceId, range.from.toISOString(), range.to.toISOString(), stepSeconds, timezone, range.metric ?? null,
        ...(viaAggregate ? [minutes.from.toISOString(), minutes.to.toISOString()] : [])],
    ));
    return rows.map((r) => ({ metric: r.metric, t: new Date(r.t), avg: Number(r.avg), min: Number(r.min), max: Number(r.max), count: Number(r.count) }));
  }

  /** telemetry_1m exists only where TimescaleDB is (migration 005); looked up once per process. */
  private hasAggregate(): Promise<boolean> {
    this.aggregate ??= this.db
      .query<{ present: boolean }>(`SELECT to_regclass('telemetry_1m') IS NOT NULL AS present`)
      .then(([row]) => row?.present === true);
    return this.aggregate;
  }

  /**
   * Settings for these reads only. The planner cannot know how many metrics a device has, nor how
   * few buckets date_bin makes, so it over-estimates (100 metrics × 10,001 rows; a group per row)
   * and PostgreSQL then JIT-compiles the raw query (~120 ms of compiling for ~10 ms of work, in
   * the bench) and sorts the buckets' input on disk. No JIT, and room to hash the groups in memory.
   */
  private read<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL jit = off`);
      await tx.query(`SET LOCAL work_mem = '32MB'`);
      return work(tx);
    });
  }

  private params(range: SeriesRange, limit: number): unknown[] {
    const base = [range.siteId, range.deviceId, range.from.toISOString(), range.to.toISOString(), limit];
    return range.metric === undefined ? base : [...base, range.metric];
  }
}
