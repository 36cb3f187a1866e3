// Reports benchmark: fills a fresh database with 100,000 work orders over 90 days (and the alerts
// of those days), then times the work-order report for 30 and 90 days and the daily duty log.
// Prints figures, asserts nothing. Creates its own PostgreSQL database and drops it after.
//
//   npx tsx bench/reports-bench.ts
//   ORDERS=100000 RUNS=7 TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/reports-bench.ts
//   PGLITE=on npx tsx bench/reports-bench.ts        (also the embedded PGlite, the default deployment)
//   KEEP=on npx tsx bench/reports-bench.ts          (keeps the PostgreSQL database, to EXPLAIN in psql)
//
//   (bench/reports-bench.ts runs this file under bench/tsconfig.json)
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ManualClock } from '../apps/server/src/common/clock';
import type { Database } from '../apps/server/src/db/database';
import { openDatabase } from '../apps/server/src/db/open-database';
import { TEST_POSTGRES_URL } from '../apps/server/src/db/database.testing';
import { ReportsRepository } from '../apps/server/src/reports/reports.repository';
import { ReportsService } from '../apps/server/src/reports/reports.service';
import { SitesService } from '../apps/server/src/sites/sites.service';
import { testSite } from '../apps/server/src/sites/sites.testing';

const ORDERS = Number(process.env.ORDERS ?? 100_000);
const DAYS = 90;
const ALERTS_PER_DAY = Number(process.env.ALERTS_PER_DAY ?? 200);
const RUNS = Number(process.env.RUNS ?? 7);
const NOW = new Date('2026-11-27T02:00:00Z'); // 10:00 in Shanghai

// Department SLAs as in the demo site; weights: how often each department gets an order.
const FILL_ORDERS = /* sql */ `
WITH d(department, accept_min, resolve_min, w_lo, w_hi) AS (VALUES
  ('security', 10, 60, 0.00, 0.30), ('cleaning', 15, 120, 0.30, 0.60), ('engineering', 15, 240, 0.60, 0.78),
  ('parking', 5, 30, 0.78, 0.90), ('service', 10, 1440, 0.90, 1.00)),
base AS (
  SELECT i, $2::timestamptz - random() * interval '${DAYS} days' AS created_at, random() AS r_dept, random() AS r_src,
         -ln(1 - random()) AS e_accept, -ln(1 - random()) AS e_resolve, random() AS r_fate, random() AS r_cb, random() AS r_sat
  FROM generate_series(1, $1::int) i),
o AS (
  SELECT b.*, d.department, d.accept_min, d.resolve_min,
         CASE WHEN r_src < 0.55 THEN 'alert' WHEN r_src < 0.70 THEN 'patrol' WHEN r_src < 0.90 THEN 'complaint' ELSE 'inspection' END AS source,
         -- Accept after an exponential wait averaging 40 % of the SLA (about 8 % late); resolve likewise at 40 %.
         b.created_at + e_accept * d.accept_min * 0.4 * interval '1 minute' AS accepted,
         b.created_at + (e_accept * d.accept_min * 0.4 + e_resolve * d.resolve_min * 0.4) * interval '1 minute' AS resolved
  FROM base b JOIN d ON b.r_dept >= d.w_lo AND b.r_dept < d.w_hi),
f AS (
  SELECT o.*,
         CASE WHEN accepted > $2 THEN NULL ELSE accepted END AS accepted_at,
         CASE WHEN resolved > $2 OR r_fate < 0.02 THEN NULL ELSE resolved END AS resolved_at
  FROM o)
INSERT INTO work_orders (number, site_id, source, status, department, priority, title, description, reporter,
  escalated, accept_escalated_at, resolve_escalated_at, accept_by, resolve_by, created_at, created_by,
  accepted_at, resolved_at, verified_at, closed_at, updated_at, callback_due_at, callback_at, callback_satisfied)
SELECT 'WO-' || lpad(i::text, 7, '0'), 'testsite', source,
       CASE WHEN resolved_at IS NULL THEN (CASE WHEN accepted_at IS NULL THEN 'dispatched' ELSE 'in_progress' END)
            WHEN source = 'complaint' AND resolved_at + interval '3 days' > $2 THEN 'resolved'
            WHEN source = 'complaint' AND r_sat > 0.9 AND r_cb < 0.85 THEN 'reopened'
            WHEN resolved_at + interval '1 day' > $2 THEN 'resolved'
            ELSE 'closed' END,
       department, 'normal', department || ' ' || source || ' #' || i, 'bench order',
       CASE WHEN source = 'complaint' THEN jsonb_build_object('name', '业主', 'room', (1 + i % 30) || '-' || (101 + i % 1800), 'phone', '13800000000') END,
       COALESCE(accepted_at, $2) > created_at + accept_min * interval '1 minute' OR COALESCE(resolved_at, $2) > created_at + resolve_min * interval '1 minute',
       CASE WHEN COALESCE(accepted_at, $2) > created_at + accept_min * interval '1 minute' THEN created_at + accept_min * interval '1 minute' END,
       CASE WHEN COALESCE(resolved_at, $2) > created_at + resolve_min * interval '1 minute' THEN created_at + resolve_min * interval '1 minute' END,
       created_at + accept_min * interval '1 minute', created_at + resolve_min * interval '1 minute', created_at, 'bench',
       accepted_at, resolved_at, NULL, CASE WHEN resolved_at + interval '1 day' <= $2 AND NOT (source = 'complaint' AND resolved_at + interval '3 days' > $2) THEN resolved_at + interval '1 day' END,
       $2,
       CASE WHEN source = 'complaint' AND resolved_at IS NOT NULL THEN resolved_at + interval '3 days' END,
       CASE WHEN source = 'complaint' AND resolved_at IS NOT NULL AND r_cb < 0.85 AND resolved_at + interval '1 day' <= $2 THEN resolved_at + interval '1 day' END,
       CASE WHEN source = 'complaint' AND resolved_at IS NOT NULL AND r_cb < 0.85 AND resolved_at + interval '1 day' <= $2 THEN r_sat <= 0.9 END
FROM f`;

const FILL_ALERTS = /* sql */ `
INSERT INTO alerts (site_id, type, subject, severity, status, message, raised_at, last_seen_at, acknowledged_at, acknowledged_by, cleared_at)
SELECT 'testsite', t.type, 'dev-' || i, t.severity,
       CASE WHEN r > 0.05 THEN 'cleared' WHEN r > 0.02 THEN 'acknowledged' ELSE 'active' END, 'bench', raised, raised,
       CASE WHEN r > 0.02 AND r < 0.9 THEN raised + interval '3 minutes' END, CASE WHEN r > 0.02 AND r < 0.9 THEN 'operator' END,
       CASE WHEN r > 0.05 THEN raised + interval '40 minutes' END
FROM (SELECT i, $2::timestamptz - random() * interval '${DAYS} days' AS raised, random() AS r, 1 + floor(random() * 6)::int AS k
      FROM generate_series(1, $1::int) i) a
JOIN (VALUES (1, 'device.offline', 'major'), (2, 'dispenser.low', 'minor'), (3, 'patrol.late', 'minor'), (4, 'sensor.threshold', 'critical'),
             (5, 'gate.stuck_open', 'major'), (6, 'device.clock_skew', 'info')) t(k, type, severity) ON t.k = a.k`;

async function main(): Promise<void> {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  async function time(label: string, work: () => Promise<unknown>): Promise<void> {
    await work(); // warm: plan cache, buffers
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await work();
      ms.push(performance.now() - t0);
    }
    console.log(`  ${label.padEnd(44)} median ${median(ms).toFixed(1).padStart(7)} ms   (min ${Math.min(...ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)}, ${RUNS} runs)`);
  }

  async function bench(name: string, db: Database): Promise<void> {
    console.log(`\n${name}`);
    let t0 = performance.now();
    // One session, seeded: the same figures every run.
    await db.transaction(async (tx) => {
      await tx.query('SELECT setseed(0.42)');
      await tx.query(FILL_ORDERS, [ORDERS, NOW]);
      await tx.query(FILL_ALERTS, [ALERTS_PER_DAY * DAYS, NOW]);
    });
    await db.exec('ANALYZE work_orders; ANALYZE alerts');
    const [counts] = await db.query<{ orders: number; alerts: number }>('SELECT (SELECT count(*) FROM work_orders) AS orders, (SELECT count(*) FROM alerts) AS alerts');
    console.log(`  filled ${counts!.orders} orders and ${counts!.alerts} alerts over ${DAYS} days in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const reports = new ReportsService(new ReportsRepository(db), new SitesService([testSite()], db), new ManualClock(NOW));
    const r30 = await reports.workOrderReport({});
    const r90 = await reports.workOrderReport({ from: '2026-08-30', to: '2026-11-28' });
    console.log(`  30-day report: ${r30.total.total} orders, SLA ${r30.total.sla.compliancePct} %, accept median ${r30.total.toAccept.medianMin} min / p90 ${r30.total.toAccept.p90Min}, resolve median ${r30.total.toResolve.medianMin} / p90 ${r30.total.toResolve.p90Min}, callbacks ${r30.total.callbacks.callbackRatePct} %, satisfied ${r30.total.callbacks.satisfactionPct} %`);
    console.log(`  90-day report: ${r90.total.total} orders`);
    const daily = await reports.dailyReport({ date: '2026-11-20' });
    console.log(`  daily 2026-11-20: ${daily.alerts.raised} alerts, ${daily.workOrders.total.opened} orders opened, ${daily.escalatedCount} escalated, ${daily.overdueCallbackCount} overdue callbacks (lists of ${daily.escalatedOrders.length} and ${daily.overdueCallbacks.length})`);

    t0 = performance.now();
    await time('work-order report, 30 days (default)', () => reports.workOrderReport({}));
    await time('work-order report, 90 days', () => reports.workOrderReport({ from: '2026-08-30', to: '2026-11-28' }));
    await time('daily duty log (JSON)', () => reports.dailyReport({ date: '2026-11-20' }));
    await time('daily duty log (HTML)', () => reports.dailyReportHtml({ date: '2026-11-20' }));
  }

  console.log(`reports bench: ${ORDERS} orders, ${ALERTS_PER_DAY * DAYS} alerts over ${DAYS} days; median of ${RUNS} runs after one warm-up`);
  const name = `estate_reports_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`); // generated above, never input
  const url = TEST_POSTGRES_URL.replace(/\/[^/]*$/, `/${name}`);
  try {
    const db = await openDatabase({ databaseUrl: url });
    try {
      const [v] = await db.query<{ server_version: string }>('SHOW server_version');
      await bench(`PostgreSQL ${v!.server_version} (${url.replace(/\/\/[^@]*@/, '//')})`, db);
    } finally {
      await db.close();
    }
  } finally {
    if (process.env.KEEP === 'on') console.log(`  kept database ${name}: psql ${url}; drop it with DROP DATABASE ${name}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }

  if (process.env.PGLITE === 'on') {
    const db = await openDatabase({});
    try {
      await bench('PGlite (in memory)', db);
    } finally {
      await db.close();
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
