// The only file importing `influx` (node-influx, InfluxDB 1.x HTTP API).
import { InfluxDB } from 'influx';

/** One point: measurement = device kind, tags site/device, one field per metric, device time. */
export interface InfluxPoint {
  measurement: string;
  tags: { site: string; device: string };
  fields: Record<string, number>;
  time: Date;
}

export interface InfluxWriter {
  /** CREATE DATABASE (idempotent in InfluxDB 1.x). */
  ensureDatabase(): Promise<void>;
  write(points: InfluxPoint[]): Promise<void>;
}

/** Each request gives up after this long: a hung InfluxDB must surface as a failure to retry. */
const REQUEST_TIMEOUT_MS = 10_000;

/** INFLUX_URL = http(s)://[user:password@]host:port/database (database defaults to `estate`). */
export function influxWriter(url: string): InfluxWriter & { readonly database: string; client: InfluxDB } {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, '')) || 'estate';
  const client = new InfluxDB({
    hosts: [{ host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 8086)), protocol: u.protocol === 'https:' ? 'https' : 'http' }],
    database,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    // Retries and backoff are the sink's (influx-sink.ts): the pool's own would hold a batch longer.
    pool: { maxRetries: 0, requestTimeout: REQUEST_TIMEOUT_MS },
  });
  return {
    database,
    client,
    ensureDatabase: () => client.createDatabase(database),
    write: (points) =>
      client.writePoints(
        points.map((p) => ({ measurement: p.measurement, tags: p.tags, fields: p.fields, timestamp: p.time })),
        { precision: 'ms' },
      ),
  };
}
