// One server under test (a child process: node apps/server/dist/main.js) with its site file,
// database and broker, the fleet that talks to it, and the counts a fault table needs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseSiteConfig, type HealthDto, type SiteConfig } from '@estate-watch/contracts';
import { EXAMPLE_DEPARTMENTS_YAML } from '../../apps/server/src/sites/sites.testing';
import { PgliteDatabase } from '../../apps/server/src/db/pglite-database';
import { freePort, startServerProcess, type ServerProcess } from './server-process';
import { Fleet, LIMIT_MAX, SITE_ID, sleep, type SentMessage } from './fault-fleet';

export const DEVICES = 100;
export const ADMIN_PASSWORD = 'faults-suite-admin-7h2q';
export const SERVICE = { username: 'estate-faults-server', password: 'faults-service-pw-4k9x' };
export const SHARED_POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const deviceIds = Array.from({ length: DEVICES }, (_, i) => `s${String(i).padStart(3, '0')}`);

export const SITE_YAML = `
site: { id: ${SITE_ID}, name: 故障测试, timezone: Asia/Shanghai, heartbeatSec: 3600 }
${EXAMPLE_DEPARTMENTS_YAML}sensors:
${deviceIds.map((id) => `  - { id: ${id}, name: 传感器${id}, secret: secret-${id}, limits: { temperature_c: { max: ${LIMIT_MAX}, forSec: 0, hysteresis: 5 } } }`).join('\n')}
`;
export const SITE: SiteConfig = parseSiteConfig(SITE_YAML, 'ft.yaml');

export type BrokerKind = 'embedded' | 'mosquitto';
export type BackendKind = 'pglite' | 'postgres';

export interface RigOptions {
  broker: BrokerKind;
  backend: BackendKind;
  /** PostgreSQL URL of a cluster the scenario controls; default: a new database on `postgresAdminUrl`. */
  databaseUrl?: string;
  /** Where a new database is made (the suite's own cluster; default the shared server). */
  postgresAdminUrl?: string;
  /** For MQTT_URL. */
  mqttUrl?: string;
  influxUrl?: string;
}

/** A fresh database on the shared PostgreSQL (created and dropped here; the server is never stopped). */
async function createDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `estate_faults_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`); // generated name, never input
  await admin.end();
  return {
    url: adminUrl.replace(/\/[^/]*$/, `/${name}`),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface Counts {
  sent: number;
  acked: number;
  stored: number;
  /** Acknowledged (by the server, or by the broker behind MQTT_URL) and not stored. */
  lost: number;
  /** Sent, never acknowledged and not stored (should be 0 once every publish resolved). */
  unstored: number;
  /** Rows stored twice for one (device, id), plus alert rows beyond what the rule says. */
  duplicated: number;
  /** Alerts the rule says and that are missing. */
  missingEffects: number;
  outOfOrder: number;
  handlerFailures: number;
  lostIds: SentMessage[];
}

export class Rig {
  server?: ServerProcess;
  fleet!: Fleet;
  httpPort!: number;
  env!: Record<string, string>;
  private dir!: string;
  private dropDb?: () => Promise<void>;
  private dbUrl?: string;

  constructor(readonly options: RigOptions) {}

  get label(): string {
    return `${this.options.broker === 'embedded' ? 'embedded broker' : 'Mosquitto (MQTT_URL)'}, ${this.options.backend === 'pglite' ? 'PGlite' : 'PostgreSQL'}`;
  }

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'estate-faults-'));
    writeFileSync(join(this.dir, 'ft.yaml'), SITE_YAML);
    if (this.options.backend === 'postgres') {
      if (this.options.databaseUrl) this.dbUrl = this.options.databaseUrl;
      else {
        const db = await createDatabase(this.options.postgresAdminUrl ?? SHARED_POSTGRES);
        this.dbUrl = db.url;
        this.dropDb = db.drop;
      }
    }
    this.httpPort = await freePort();
    const mqttPort = await freePort();
    this.env = {
      SITE_CONFIG: join(this.dir, 'ft.yaml'),
      ADMIN_PASSWORD,
      HTTP_PORT: String(this.httpPort),
      MQTT_PORT: String(mqttPort),
      DATA_DIR: join(this.dir, 'data'),
      ...(this.dbUrl ? { DATABASE_URL: this.dbUrl } : {}),
      ...(this.options.broker === 'mosquitto' ? { MQTT_URL: this.options.mqttUrl!, MQTT_SERVICE_USERNAME: SERVICE.username, MQTT_SERVICE_PASSWORD: SERVICE.password } : {}),
      ...(this.options.influxUrl ? { INFLUX_URL: this.options.influxUrl } : {}),
    };
    await this.startServer();
    const deviceUrl = this.options.broker === 'mosquitto' ? this.options.mqttUrl! : `mqtt://127.0.0.1:${mqttPort}`;
    this.fleet = new Fleet(deviceUrl, SITE.sensors.map((s) => s.id), `ft${randomBytes(3).toString('hex')}`);
    await this.fleet.connectAll();
  }

  async startServer(): Promise<void> {
    this.server = await startServerProcess(this.env, 180_000);
  }

  /** A server that exited by itself is a crash: fail with what it printed. */
  assertRunning(): void {
    const child = this.server?.child;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`the server exited by itself (${child.exitCode ?? child.signalCode}):\n${this.server!.output().slice(-4000)}`);
    }
  }

  async health(): Promise<HealthDto | undefined> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.httpPort}/api/health`, { signal: AbortSignal.timeout(5_000) });
      return (await res.json()) as HealthDto;
    } catch {
      return undefined;
    }
  }

  /**
   * Messages stored, as the equipment handler counts them (applied + still behind its cursor):
   * the fault fleet sends sensor telemetry only, and equipment takes all of it.
   */
  async stored(): Promise<number | undefined> {
    const h = await this.health();
    return h?.handlers.find((x) => x.name === 'equipment')?.stored;
  }

  /** Resolves when the server answers with at least `n` stored; the time it took, in ms. */
  async storedAtLeast(n: number, timeoutMs: number): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      this.assertRunning();
      const s = await this.stored();
      if (s !== undefined && s >= n) return Date.now() - t0;
      if (Date.now() - t0 > timeoutMs) return Number.NaN;
      await sleep(200);
    }
  }

  /** Every handler has applied what is stored and the count stopped moving (or the timeout). */
  async settled(timeoutMs = 300_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    let last = -1;
    let stableSince = Date.now();
    while (Date.now() < until) {
      this.assertRunning();
      const h = await this.health();
      const stored = h?.handlers.find((x) => x.name === 'equipment')?.stored ?? -1;
      const caughtUp = h !== undefined && h.status === 'ok' && h.handlers.every((x) => x.applied === x.stored);
      if (stored !== last) {
        last = stored;
        stableSince = Date.now();
      }
      if (caughtUp && stored >= new Set(this.fleet.sent.map((m) => `${m.device}/${m.id}`)).size) return;
      if (caughtUp && Date.now() - stableSince > 10_000) return; // nothing more is coming
      await sleep(250);
    }
  }

  /** Counts from the database itself. Stops the server first for PGlite (one process per data dir). */
  async count(): Promise<Counts> {
    await this.settled();
    let rows: { device_id: string; msg_id: string; seq: number }[];
    let alerts: { subject: string; n: number }[];
    let failures: number;
    const q = {
      rows: 'SELECT device_id, msg_id, seq FROM device_messages WHERE site_id = $1 ORDER BY seq',
      alerts: "SELECT subject, count(*)::int AS n FROM alerts WHERE site_id = $1 AND type = 'sensor.threshold' GROUP BY subject",
      failures: 'SELECT count(*)::int AS n FROM handler_failures',
    };
    if (this.dbUrl) {
      const c = new pg.Client({ connectionString: this.dbUrl });
      await c.connect();
      rows = (await c.query(q.rows, [SITE_ID])).rows;
      alerts = (await c.query(q.alerts, [SITE_ID])).rows;
      failures = (await c.query(q.failures)).rows[0].n;
      await c.end();
    } else {
      await this.server?.stop();
      this.server = undefined;
      const db = await PgliteDatabase.open(this.env.DATA_DIR);
      rows = await db.query(q.rows, [SITE_ID]);
      alerts = await db.query(q.alerts, [SITE_ID]);
      failures = (await db.query<{ n: number }>(q.failures))[0]!.n;
      await db.close();
    }
    return tally(this.fleet.sent, rows, alerts, failures);
  }

  /** Everything it started, each step even when an earlier one failed. */
  async stop(): Promise<void> {
    await this.fleet?.end().catch(() => undefined);
    await this.server?.stop().catch(() => undefined);
    this.server = undefined;
    await this.dropDb?.().catch(() => undefined);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export function tally(sent: SentMessage[], rows: { device_id: string; msg_id: string; seq: number }[], alerts: { subject: string; n: number }[], handlerFailures: number): Counts {
  const key = (d: string, id: string) => `${d}/${id}`;
  const storedCount = new Map<string, number>();
  for (const r of rows) storedCount.set(key(r.device_id, r.msg_id), (storedCount.get(key(r.device_id, r.msg_id)) ?? 0) + 1);
  let duplicated = 0;
  for (const n of storedCount.values()) duplicated += n - 1;
  const lostIds = sent.filter((m) => m.ackedAt !== undefined && !storedCount.has(key(m.device, m.id)));
  const unstored = sent.filter((m) => m.ackedAt === undefined && !storedCount.has(key(m.device, m.id))).length;
  // In order per device: stored seq order = the order the device sent (its n).
  let outOfOrder = 0;
  const lastN = new Map<string, number>();
  for (const r of rows) {
    const n = Number(r.msg_id.slice(1));
    if ((lastN.get(r.device_id) ?? -1) > n) outOfOrder++;
    lastN.set(r.device_id, Math.max(n, lastN.get(r.device_id) ?? -1));
  }
  // Effects: one sensor.threshold alert row per reading over the limit stored (each is followed by a clear).
  const expected = new Map<string, number>();
  const seen = new Set<string>();
  for (const m of sent) {
    const k = key(m.device, m.id);
    if (seen.has(k) || !storedCount.has(k)) continue;
    seen.add(k);
    if (m.value > LIMIT_MAX) expected.set(`${m.device}:temperature_c`, (expected.get(`${m.device}:temperature_c`) ?? 0) + 1);
  }
  const got = new Map(alerts.map((a) => [a.subject, a.n]));
  let extra = 0;
  let missing = 0;
  for (const subject of new Set([...expected.keys(), ...got.keys()])) {
    const d = (got.get(subject) ?? 0) - (expected.get(subject) ?? 0);
    if (d > 0) extra += d;
    else missing -= d;
  }
  return {
    sent: sent.length,
    acked: sent.filter((m) => m.ackedAt !== undefined).length,
    stored: storedCount.size,
    lost: lostIds.length,
    unstored,
    duplicated: duplicated + extra,
    missingEffects: missing,
    outOfOrder,
    handlerFailures,
    lostIds,
  };
}
