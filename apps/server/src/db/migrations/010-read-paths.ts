// Schema v10: the read paths of a year of data (issue 9.6, bench/year-bench.ts: 1,000,000 alerts,
// 100,000 work orders, 130 M telemetry rows), and the TimescaleDB fix found when 002/005 first
// ran (issue 11.6, PGlite with TimescaleDB 2.23: db/timescale.test.ts).
export const up = /* sql */ `
-- GET /api/alerts filters, newest first. Without them a rare type (equipment.fault, 0.4 % of the
-- alerts) walked alerts_raised through 48,000 rows to find 200: 0.26-0.7 s.
CREATE INDEX alerts_type_raised ON alerts (type, raised_at DESC);
CREATE INDEX alerts_subject_raised ON alerts (subject, raised_at DESC);
-- type and subject together (one device's history of one alert): a BitmapAnd of the two above
-- read 35,000 entries for 445 rows.
CREATE INDEX alerts_type_subject_raised ON alerts (type, subject, raised_at DESC);
CREATE INDEX alerts_site_raised ON alerts (site_id, raised_at DESC);
-- status=open: not cleared, or cleared and never acknowledged (the control room's list).
CREATE INDEX alerts_open_raised ON alerts (raised_at DESC) WHERE cleared_at IS NULL OR acknowledged_at IS NULL;

-- GET /api/work-orders filters, newest first (status and department have theirs since 003).
CREATE INDEX work_orders_source ON work_orders (source, created_at DESC);
CREATE INDEX work_orders_open ON work_orders (created_at DESC) WHERE status NOT IN ('verified', 'closed');
CREATE INDEX work_orders_escalated ON work_orders (created_at DESC) WHERE escalated;

-- GET /api/telemetry reads (site, device, metric, time) ranges and only value besides: with value in
-- the index a device-day is an index-only scan of ~500 pages, instead of 86,400 heap fetches
-- spread over ~40,000 pages (every sensor's rows of a second share pages). Replaces 005's index.
CREATE INDEX telemetry_series_value ON telemetry (site_id, device_id, metric, time) INCLUDE (value);
DROP INDEX telemetry_series;
-- Index-only scans skip the heap only on pages vacuum marked all-visible. By default an
-- insert-only table is vacuumed after 20 % growth (a month's table: the last 6 days never
-- index-only); every 100,000 rows instead, whatever the table's size.
ALTER TABLE telemetry SET (autovacuum_vacuum_insert_threshold = 100000, autovacuum_vacuum_insert_scale_factor = 0);
`;

// TimescaleDB only. Since 2.13 a continuous aggregate is `materialized_only` by default: it
// answers only up to its last refresh, so GET /api/telemetry?step= (which reads telemetry_1m)
// would miss the newest minute or more. Real-time aggregation adds the rows past the last
// refresh from the raw table. A released migration (005) made the view: changed here, not there.
export const timescaleUp = /* sql */ `
ALTER MATERIALIZED VIEW telemetry_1m SET (timescaledb.materialized_only = false);
`;

/** 005 made telemetry_1m (the server has TimescaleDB). */
export const timescaleSql = `SELECT 1 WHERE to_regclass('telemetry_1m') IS NOT NULL`;
