// Schema v10: the read paths of a year of data (issue 9.6) and the TimescaleDB fix found when
// 002/005 first ran (issue 11.6, on PGlite with TimescaleDB 2.23: db/timescale.test.ts).
export const up = /* sql */ `
SELECT 1;
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
