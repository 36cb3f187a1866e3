// TimescaleDB, when the server has the extension (production compose file): device_messages
// becomes a hypertable on received_at with compression after 7 days.
// Written from TimescaleDB's documentation; not testable on this machine, where the extension
// cannot be installed. Plain PostgreSQL and PGlite skip it.
export const up = /* sql */ `
CREATE EXTENSION IF NOT EXISTS timescaledb;
SELECT create_hypertable('device_messages', by_range('received_at', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE device_messages SET (timescaledb.compress, timescaledb.compress_segmentby = 'site_id, device_id');
SELECT add_compression_policy('device_messages', INTERVAL '7 days', if_not_exists => TRUE);
`;

export const availableSql = `SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`;
