// A year of data (issue 9.6): seeds a throw-away PostgreSQL database with 1,000,000 alerts,
// 100,000 work orders and a month of 1-second telemetry of 50 sensors (bench/year-bench.seed.ts),
// starts the real server from its build on it, and times the list, telemetry and report calls
// over HTTP (auth guard, zod validation, Express, JSON), printing p50/p95/p99 per call.
//
//   npm run bench:year                              (builds the server, seeds, measures, drops the database)
//   KEEP=on npm run bench:year                      (keeps the database: EXPLAIN in psql, or measure again)
//   REUSE=estate_year_bench_xxxx npm run bench:year (measures a kept database; its schema is migrated first)
//   TELEMETRY_DAYS=3 ALERTS=100000 ORDERS=10000 RUNS=20 npm run bench:year   (smaller, quicker)
//   SERVER=/path/to/dist/bootstrap.js               (another build of the server, e.g. before a change)
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseSiteConfig } from '@estate-watch/contracts';
import { openDatabase } from '../apps/server/src/db/open-database';
import { TEST_POSTGRES_URL } from '../apps/server/src/db/database.testing';
import { testSiteYaml } from '../apps/server/src/sites/sites.testing';
import { METRIC, SENSORS, seed } from './year-bench.seed';

const SIZE = {
  alerts: Number(process.env.ALERTS ?? 1_000_000),
  orders: Number(process.env.ORDERS ?? 100_000),
  telemetryDays: Number(process.env.TELEMETRY_DAYS ?? 30),
  sensors: SENSORS,
};
const RUNS = Number(process.env.RUNS ?? 100);
const SERVER = process.env.SERVER ?? join(__dirname, '../apps/server/dist/bootstrap.js');
const TARGETS_MS = { alerts: 50, 'work-orders': 50, telemetry: 100, reports: 150 } as const;

/** The test site plus the 50 sensors the telemetry belongs to. */
function benchSite() {
  const sensors = SENSORS.map((id) => `  - { id: ${id}, name: ${id}, secret: secret-${id} }`).join('\n');
  return parseSiteConfig(`${testSiteYaml().trimEnd()}\n${sensors}\n`, 'year-bench.yaml');
}

interface Call {
  group: keyof typeof TARGETS_MS;
  path: string;
  role: 'operator' | 'supervisor';
  /** Measure this page of the history (1 = the first), reached by following X-Next-Cursor. */
  page?: number;
}

function calls(now: Date): Call[] {
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  // One site-local (Asia/Shanghai) day of sensor-07, ten days back: inside the seeded month.
  const from = `${day(-10)}T00:00:00+08:00`;
  const to = `${day(-9)}T00:00:00+08:00`;
  const telemetry = (q: string) => `/api/telemetry?device=sensor-07&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${q}`;
  const a = (q = '') => ({ group: 'alerts' as const, path: `/api/alerts${q}`, role: 'operator' as const });
  const w = (q = '') => ({ group: 'work-orders' as const, path: `/api/work-orders${q}`, role: 'operator' as const });
  return [
    a(), a('?status=active'), a('?status=acknowledged'), a('?status=cleared'), a('?status=open'),
    a('?type=patrol.late'), a('?type=equipment.fault'), a('?subject=dev-7'), a('?siteId=testsite'),
    a('?type=device.offline&status=cleared'), a('?type=gate.fault&subject=dev-3'), a('?limit=1000'),
    w(), w('?status=open'), w('?status=closed'), w('?status=dispatched'), w('?status=reopened'),
    w('?department=engineering'), w('?source=complaint'), w('?escalated=true'), w('?escalated=false'), w('?siteId=testsite'),
    w('?department=parking&status=open'), w('?source=inspection&escalated=true'), w('?limit=1000'),
    // Issue 12.7: search, a date range, a later page (cursor: the X-Next-Cursor of the page before).
    w('?q=WO-2026'), w('?q=3-1205'), w('?q=13800001234'), w(`?from=${encodeURIComponent(`${day(-30)}T00:00:00+08:00`)}&to=${encodeURIComponent(`${day(-29)}T00:00:00+08:00`)}`),
    w('?status=open&limit=50'), { ...w('?limit=200'), page: 5 },
    a('?q=dev-7'), a('?q=offline'), a(`?from=${encodeURIComponent(`${day(-30)}T00:00:00+08:00`)}&to=${encodeURIComponent(`${day(-29)}T00:00:00+08:00`)}`),
    { ...a('?limit=200'), page: 5 },
    { group: 'telemetry', path: telemetry(`&metric=${METRIC}&step=1m`), role: 'operator' },
    { group: 'telemetry', path: telemetry('&step=1m'), role: 'operator' },
    { group: 'reports', path: `/api/reports/work-orders?from=${day(-89)}&to=${day(1)}`, role: 'supervisor' },
    { group: 'reports', path: '/api/reports/work-orders', role: 'supervisor' },
  ];
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * CPU time (ms) of the PostgreSQL backends serving this database, from /proc (the server runs on
 * this machine). With the Node process's own CPU time it tells work from waiting: the machine is
 * shared, and at a load average of 10 on 2 cores wall-clock times say more about the neighbours.
 */
async function backendCpuMs(admin: pg.Client, database: string): Promise<number> {
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // the backend ended between the two reads
    }
  }
  return ticks * 10; // USER_HZ = 100
}

async function measure(httpUrl: string, now: Date, admin: pg.Client, database: string): Promise<void> {
  const tokens: Record<string, string> = {};
  for (const role of ['operator', 'supervisor']) {
    const res = await fetch(`${httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: role, password: 'demo' }) });
    tokens[role] = ((await res.json()) as { token: string }).token;
  }
  console.log(`\n${'call'.padEnd(92)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'node'.padStart(6)} ${'pg'.padStart(6)}  rows   bytes  target`);
  for (const call of calls(now)) {
    let path = call.path;
    for (let p = 1; p < (call.page ?? 1); p++) {
      const res = await fetch(httpUrl + path, { headers: { authorization: `Bearer ${tokens[call.role]}` } });
      path = `${call.path}&cursor=${res.headers.get('x-next-cursor')}`;
    }
    const label = call.page ? `${call.path} page ${call.page}` : call.path;
    const get = async () => {
      const t0 = performance.now();
      const res = await fetch(httpUrl + path, { headers: { authorization: `Bearer ${tokens[call.role]}` } });
      const text = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
      return { ms, text };
    };
    for (let i = 0; i < 3; i++) await get(); // warm: plan cache, buffers, the JIT of Node
    const times: number[] = [];
    let last = '';
    const cpu0 = { node: process.cpuUsage(), pg: await backendCpuMs(admin, database) };
    for (let i = 0; i < RUNS; i++) {
      const { ms, text } = await get();
      times.push(ms);
      last = text;
    }
    const nodeCpu = process.cpuUsage(cpu0.node);
    const cpu = { node: (nodeCpu.user + nodeCpu.system) / 1000 / RUNS, pg: ((await backendCpuMs(admin, database)) - cpu0.pg) / RUNS };
    times.sort((x, y) => x - y);
    const body = JSON.parse(last) as unknown;
    const rows = Array.isArray(body) ? body.length : ((body as { series?: { points: unknown[] }[] }).series?.reduce((n, s) => n + s.points.length, 0) ?? 1);
    const p95 = pct(times, 95);
    const verdict = p95 < TARGETS_MS[call.group] ? 'ok' : 'MISSED';
    console.log(`${label.padEnd(92)} ${pct(times, 50).toFixed(1).padStart(7)} ${p95.toFixed(1).padStart(7)} ${pct(times, 99).toFixed(1).padStart(7)} ${cpu.node.toFixed(1).padStart(6)} ${cpu.pg.toFixed(1).padStart(6)} ${String(rows).padStart(5)} ${String(last.length).padStart(7)}  p95 < ${TARGETS_MS[call.group]} ms ${verdict}`);
  }
}

async function main(): Promise<void> {
  const now = new Date();
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  const name = process.env.REUSE ?? `estate_year_bench_${randomBytes(4).toString('hex')}`;
  if (!/^estate_year_bench_[0-9a-f]+$/.test(name)) throw new Error(`REUSE must name a database this bench made (estate_year_bench_…), not ${name}`);
  const url = TEST_POSTGRES_URL.replace(/\/[^/]*$/, `/${name}`);
  try {
    if (!process.env.REUSE) {
      await admin.query(`CREATE DATABASE ${name}`); // checked above: generated, never input
      console.log(`year bench: seeding ${name}: ${SIZE.alerts} alerts, ${SIZE.orders} orders (365 days), telemetry ${SIZE.sensors.length} sensors × ${SIZE.telemetryDays} days at 1 s`);
      const db = await openDatabase({ databaseUrl: url });
      const t0 = performance.now();
      try {
        await seed(db, SIZE, now, (line) => console.log(line));
      } finally {
        await db.close();
      }
      console.log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    const { startServer } = (await import(SERVER)) as typeof import('../apps/server/src/bootstrap');
    const server = await startServer({
      source: {},
      sites: [benchSite()],
      env: { httpPort: 0, mqttPort: 0, simulator: false, logLevel: 'error', databaseUrl: url },
    });
    try {
      const [sizes] = await admin.query(`SELECT pg_size_pretty(pg_database_size($1)) AS size`, [name]).then((r) => r.rows);
      console.log(`server ${SERVER} on ${name} (${sizes.size}); ${RUNS} sequential GETs per call after 3 warm-ups; ms`);
      console.log(`p50/p95/p99: wall clock per GET; node: CPU of this process (server and client) per GET; pg: CPU of the database's backends per GET; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
      await measure(server.httpUrl, now, admin, name);
    } finally {
      await server.close();
    }
  } finally {
    if (process.env.KEEP === 'on' || process.env.REUSE) console.log(`\nkept database ${name}: psql ${url}; REUSE=${name} to measure again; DROP DATABASE ${name} when done`);
    else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
