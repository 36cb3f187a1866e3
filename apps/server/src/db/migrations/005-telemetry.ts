// Issue 5.4: every accepted reading as rows (telemetry/telemetry-points.ts says which), written in
// the ingest's grouped commit from the same deduplicated rows as device_messages.
// No primary key: a redelivery never reaches this table (message_ids dedup), and under
// TimescaleDB a unique index would have to include `time` anyway.
export const up = /* sql */ `
CREATE TABLE telemetry (
  time      timestamptz NOT NULL,
  site_id   text NOT NULL,
  device_id text NOT NULL,
  metric    text NOT NULL,
  value     double precision NOT NULL
);
-- GET /api/telemetry: one device, one metric or all, a time range
CREATE INDEX telemetry_series ON telemetry (site_id, device_id, metric, time);
-- retention and range scans across devices
CREATE INDEX telemetry_time ON telemetry (time);
`;

// TimescaleDB only (after 002 created the extension). Written from TimescaleDB's documentation
// (create_hypertable by_range, CREATE MATERIALIZED VIEW … WITH (timescaledb.continuous),
// add_continuous_aggregate_policy, add_retention_policy, compression); NOT tested here: this
// machine has no TimescaleDB. Plain PostgreSQL and PGlite skip it, and GET /api/telemetry reads
// the `telemetry` table on all three.
// - Chunks of one day; compressed after 7 days, segmented by series.
// - telemetry_1m: 1-minute avg/min/max/count per series, for long-range SQL and dashboards.
//   WITH NO DATA: a continuous aggregate WITH DATA cannot be created inside a transaction, and
//   migrations run in one; the refresh policy fills it.
// - Refresh window 3 days back (devices buffer ≤ 24 h, CONTRACT §1) to 1 minute ago, every minute.
//   It must stay well inside the raw retention, or a refresh over dropped chunks would empty
//   those buckets of the aggregate.
// - Raw rows kept 90 days (the API reaches back at most 31 days per query); the 1-minute
//   aggregate 2 years.
export const timescaleUp = /* sql */ `
SELECT create_hypertable('telemetry', by_range('time', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE telemetry SET (timescaledb.compress, timescaledb.compress_segmentby = 'site_id, device_id, metric', timescaledb.compress_orderby = 'time');
SELECT add_compression_policy('telemetry', INTERVAL '7 days', if_not_exists => TRUE);
CREATE MATERIALIZED VIEW telemetry_1m WITH (timescaledb.continuous) AS
  SELECT site_id, device_id, metric, time_bucket(INTERVAL '1 minute', time) AS bucket,
         avg(value) AS avg, min(value) AS min, max(value) AS max, count(*) AS count
  FROM telemetry
  GROUP BY site_id, device_id, metric, bucket
  WITH NO DATA;
SELECT add_continuous_aggregate_policy('telemetry_1m', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
SELECT add_retention_policy('telemetry', drop_after => INTERVAL '90 days', if_not_exists => TRUE);
SELECT add_retention_policy('telemetry_1m', drop_after => INTERVAL '2 years', if_not_exists => TRUE);
`;

/** 002 created the extension when the server had it. */
export const timescaleSql = `SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`;
