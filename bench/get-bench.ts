// The server's CPU per authenticated GET of the lists the path bench polls (issue 9 point 2: the
// bench reads "applied" through them, five lists every 20 ms, and their cost is in the mix's
// server µs per message). A throw-away PostgreSQL database, the path bench's site, one status per
// device so the lists are full; then `N` GETs of each path, one at a time.
// `npx tsc -b apps/server && npx tsx bench/get-bench.ts` (`N`, default 300; `DATABASE_URL`; `CPU_PROF=dir`;
// `DIST=apps/server/other-dist` runs another build, for A/B).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { Client } from 'pg';
import { benchDevices, KINDS, SITE, siteYaml } from './path-bench.site';
import { cpuSeconds } from './process-cpu';
import { withThrowawayDatabase } from './throwaway-database';
import { freePort } from '../tests/support/server-process';

const ROOT = resolve(__dirname, '..');
const N = Number(process.env.N ?? 300);
const PATHS = (process.env.PATHS ?? '').split(',').filter(Boolean);
if (PATHS.length === 0) PATHS.push('/api/parking/lots', '/api/consumables/dispensers', '/api/equipment', '/api/devices', '/api/health');
const PASSWORD = 'bench-admin-Password-1';


async function main(url: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'estate-get-bench-'));
  const siteFile = join(dir, 'bench.yaml');
  writeFileSync(siteFile, siteYaml(20, []));
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const prof = process.env.CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.CPU_PROF)}`] : [];
  const child = spawn(process.execPath, [...prof, join(process.env.DIST ?? 'apps/server/dist', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, HTTP_PORT: String(httpPort), MQTT_PORT: String(mqttPort), SITE_CONFIG: siteFile, ADMIN_PASSWORD: PASSWORD, SIMULATOR: 'off', LOG_LEVEL: 'warn', DATA_DIR: dir, DATABASE_URL: url, MQTT_CONNECTIONS_PER_SEC: '0', MQTT_DEVICE_MESSAGES_PER_SEC: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const http = `http://127.0.0.1:${httpPort}`;
  try {
    while (!(await fetch(`${http}/api/health`).then((r) => r.ok, () => false))) await new Promise((r) => setTimeout(r, 200));
    const login = await fetch(`${http}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    const devices = KINDS.flatMap((k) => benchDevices(20)[k]);
    for (const d of devices) {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: `${SITE}:${d.id}`, password: d.secret, clientId: `get-bench-${d.id}` });
      await client.publishAsync(`estate/v1/${SITE}/${d.kind}/${d.id}/status`, JSON.stringify({ id: 's1', ts: new Date().toISOString(), online: true, fw: 'get-bench' }), { qos: 1 });
      await client.endAsync();
    }
    const get = async (path: string) => {
      const r = await fetch(`${http}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!r.ok && !process.env.PATHS) throw new Error(`GET ${path}: ${r.status}`);
      return r.text();
    };
    for (const path of PATHS) for (let i = 0; i < 20; i++) await get(path); // warm
    console.log(`get bench: ${N} GETs of each list, one at a time; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const idle0 = cpuSeconds(child.pid);
    await new Promise((r) => setTimeout(r, 3000));
    console.log(`  idle: server CPU ${(((cpuSeconds(child.pid) - idle0) * 1e6) / 3000).toFixed(0)} µs per ms`);
    for (const path of PATHS) {
      const cpu0 = cpuSeconds(child.pid);
      const t0 = performance.now();
      let bytes = 0;
      for (let i = 0; i < N; i++) bytes += (await get(path)).length;
      const us = ((cpuSeconds(child.pid) - cpu0) * 1e6) / N;
      console.log(`  ${path.padEnd(30)} server CPU ${us.toFixed(0).padStart(5)} µs/GET, wall ${((performance.now() - t0) / N).toFixed(2)} ms, ${Math.round(bytes / N)} bytes`);
    }
    if (!process.env.PATHS) {
      // The path bench's poll: the five lists at once; and how often the users table was read for them.
      const pg = new Client({ connectionString: url });
      await pg.connect();
      const usersReads = async () => {
        await new Promise((r) => setTimeout(r, 1500)); // PostgreSQL publishes table statistics within a second
        const [row] = (await pg.query<{ n: string }>("SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS n FROM pg_stat_user_tables WHERE relname = 'users'")).rows;
        return Number(row?.n ?? 0);
      };
      const reads0 = await usersReads();
      const cpu0 = cpuSeconds(child.pid);
      const t0 = performance.now();
      for (let i = 0; i < N / 5; i++) await Promise.all(PATHS.map(get));
      const us = ((cpuSeconds(child.pid) - cpu0) * 1e6) / (N / 5);
      const wall = (performance.now() - t0) / (N / 5);
      const reads = ((await usersReads()) - reads0) / (N / 5);
      await pg.end();
      console.log(`  ${'the five at once (a poll)'.padEnd(30)} server CPU ${us.toFixed(0).padStart(5)} µs/poll, wall ${wall.toFixed(2)} ms, ${reads.toFixed(2)} reads of users`);
    }
    console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

void withThrowawayDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'estate_get_bench', main);
