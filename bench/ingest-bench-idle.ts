// What servers cost doing nothing: 1 and 3 servers on the bench's Mosquitto and a throw-away
// database, no device connected; CPU ms per second of each server and of the database's
// PostgreSQL backends over IDLE_SECONDS once the shards are split (lease rounds, polls, the
// live adapter's heartbeats, sweeps). Run under bench/tsconfig.json like the other benches:
//   TSX_TSCONFIG_PATH=bench/tsconfig.json SERVERS=1,3 IDLE_SECONDS=20 npx tsx bench/ingest-bench-idle.ts
// SERVER_CPU_PROF=dir writes each server's V8 CPU profile there when it stops.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { clusterHealth, startCluster, startMosquitto, type ClusterServer } from '../tests/support/cluster-harness';
import { startCpuWindow } from './ingest-bench.cpu';
import { withThrowawayDatabase } from './throwaway-database';

const SERVERS = (process.env.SERVERS ?? '1,3').split(',').map(Number);
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 20);
const SHARDS = Number(process.env.SHARDS ?? 12);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const SITE_YAML = `site: { id: bench, name: Bench, timezone: UTC, heartbeatSec: 3600 }
departments:
  - { id: security, name: Security, sla: { acceptMin: 10, resolveMin: 60 } }
routing: { device.offline: security, patrol.unknown_card: security }
checkpoints:
  - { id: cp-0, name: CP 0, x: 0, y: 0, secret: secret-0 }
`;

async function idle(count: number, dir: string, mqttUrl: string): Promise<Record<string, string | number> | undefined> {
  return withThrowawayDatabase(DATABASE_URL, 'estate_bench', async (url) => {
    const name = new URL(url).pathname.slice(1);
    const db = new pg.Client({ connectionString: url });
    let servers: ClusterServer[] = [];
    try {
      servers = await startCluster(count, {
        SITE_CONFIG: join(dir, 'bench.yaml'),
        ADMIN_PASSWORD: 'bench-admin-password-7c1x',
        MQTT_URL: mqttUrl,
        DATABASE_URL: url,
        MQTT_CLIENT_ID: `idle${process.pid}`.slice(0, 16),
        MQTT_SHARDS: String(SHARDS),
      });
      await db.connect();
      for (const deadline = Date.now() + 60_000; ; ) {
        const hs = await Promise.all(servers.map(clusterHealth));
        if (hs.every((h) => h.servers === count) && hs.reduce((n, h) => n + h.shards.length, 0) === SHARDS) break;
        if (Date.now() > deadline) throw new Error('shards not split in 60 s');
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 3_000)); // start-up work settles
      const window = startCpuWindow(Object.fromEntries(servers.map((s) => [s.node, s.child.pid as number])), db, name);
      await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
      const cpu = await window.stop();
      const ms = (s: number) => Math.round((s * 1000) / cpu.wall);
      const each = servers.map((s) => ms(cpu.seconds[s.node] ?? 0));
      return { servers: count, 'servers ms/s': `${each.reduce((a, b) => a + b, 0)}${count > 1 ? ` (${each.join(' + ')})` : ''}`, 'postgres ms/s': ms(cpu.seconds.postgres ?? 0), 'load average': loadavg()[0]!.toFixed(1) };
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await db.end().catch(() => undefined);
    }
  });
}

async function main(): Promise<void> {
  execFileSync('npx', ['tsc', '-b', 'apps/server'], { cwd: resolve(__dirname, '..'), stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'estate-bench-idle-'));
  writeFileSync(join(dir, 'bench.yaml'), SITE_YAML);
  const mosquitto = await startMosquitto();
  const rows = [];
  try {
    for (const count of SERVERS) {
      const row = await idle(count, dir, mosquitto.url);
      if (row) rows.push(row);
    }
  } finally {
    await mosquitto.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.table(rows);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
