// A year of data for bench/year-bench.ts, set-based (generate_series): 1,000,000 alerts, 100,000
// work orders with their timelines and alert links, and 1-second telemetry of 50 sensors. Seeded
// (setseed) so every run holds the same rows. Rows go in time order, as the server writes them: a
// time range then reads neighbouring pages (random order made a 90-day scan touch every page). Indexes are dropped while a table fills and rebuilt
// from their own definitions after (one sort per index instead of 130 M index inserts); that is
// how a restore loads, and leaves the same indexes the migrations made.
import type { Database, Queryable } from '../apps/server/src/db/database';

export const SITE = 'testsite';
export const SENSORS = Array.from({ length: 50 }, (_, i) => `sensor-${String(i + 1).padStart(2, '0')}`);
export const METRIC = 'temperature_c';

// Alerts by type: share of all alerts (weights as a control room sees them: patrol and devices
// dominate, faults are rare), severity, and how many distinct subjects each type has.
const ALERT_MIX = `(VALUES
  ('patrol.late', 'minor', 0.18, 40), ('patrol.early', 'minor', 0.10, 40), ('patrol.missed', 'major', 0.08, 40),
  ('patrol.out_of_order', 'info', 0.06, 40), ('patrol.unknown_card', 'major', 0.01, 40), ('gate.stuck_open', 'major', 0.03, 12),
  ('gate.fault', 'major', 0.005, 12), ('parking.full', 'minor', 0.04, 4), ('dispenser.low', 'minor', 0.15, 60),
  ('dispenser.empty', 'major', 0.05, 60), ('sensor.threshold', 'critical', 0.12, 50), ('equipment.fault', 'major', 0.004, 50),
  ('device.offline', 'major', 0.12, 220), ('device.clock_skew', 'info', 0.051, 220)
) AS m(type, severity, share, subjects)`;

/**
 * $1 alerts, $2 now, over 365 days. Fate: 90 % acknowledged then cleared, 8 % cleared never
 * acknowledged, 1.5 % acknowledged still open, 0.5 % active. An open alert needs its own
 * (type, subject) (CONTRACT §4: one open alert per pair), so open ones get a subject of their own.
 */
const FILL_ALERTS = /* sql */ `
WITH m AS (SELECT type, severity, subjects, sum(share) OVER (ORDER BY type) - share AS lo, sum(share) OVER (ORDER BY type) AS hi FROM ${ALERT_MIX}),
a AS (SELECT i, $2::timestamptz - random() * interval '365 days' AS raised, random() AS r_type, random() AS r_fate, random() AS r_subject
      FROM generate_series(1, $1::int) i)
INSERT INTO alerts (site_id, type, subject, severity, status, message, count, raised_at, last_seen_at,
  acknowledged_at, acknowledged_by, cleared_at, cleared_by)
SELECT '${SITE}', m.type,
       CASE WHEN r_fate >= 0.98 THEN 'open-' || i ELSE 'dev-' || (1 + floor(r_subject * m.subjects)::int) END,
       m.severity,
       CASE WHEN r_fate < 0.98 THEN 'cleared' WHEN r_fate < 0.995 THEN 'acknowledged' ELSE 'active' END,
       m.type || ' on dev-' || (1 + floor(r_subject * m.subjects)::int), 1 + floor(r_subject * 3)::int, raised, raised + interval '2 minutes',
       CASE WHEN r_fate < 0.90 OR (r_fate >= 0.98 AND r_fate < 0.995) THEN raised + interval '3 minutes' END,
       CASE WHEN r_fate < 0.90 OR (r_fate >= 0.98 AND r_fate < 0.995) THEN 'operator' END,
       CASE WHEN r_fate < 0.98 THEN raised + interval '40 minutes' END,
       CASE WHEN r_fate < 0.98 THEN 'system' END
FROM a JOIN m ON a.r_type >= m.lo AND a.r_type < m.hi
ORDER BY raised`;

// Work orders: the reports bench's generator (same distributions), over 365 days.
const DEPARTMENTS = `(VALUES
  ('security', 10, 60, 0.00, 0.30), ('cleaning', 15, 120, 0.30, 0.60), ('engineering', 15, 240, 0.60, 0.78),
  ('parking', 5, 30, 0.78, 0.90), ('service', 10, 1440, 0.90, 1.00)) AS d(department, accept_min, resolve_min, w_lo, w_hi)`;

/** $1 orders, $2 now, $3 days. */
export const FILL_ORDERS = /* sql */ `
WITH base AS (
  SELECT i, $2::timestamptz - random() * $3::int * interval '1 day' AS created_at, random() AS r_dept, random() AS r_src,
         -ln(1 - random()) AS e_accept, -ln(1 - random()) AS e_resolve, random() AS r_fate, random() AS r_cb, random() AS r_sat
  FROM generate_series(1, $1::int) i),
o AS (
  SELECT b.*, d.department, d.accept_min, d.resolve_min,
         CASE WHEN r_src < 0.55 THEN 'alert' WHEN r_src < 0.70 THEN 'patrol' WHEN r_src < 0.90 THEN 'complaint' ELSE 'inspection' END AS source,
         -- Accept after an exponential wait averaging 40 % of the SLA (about 8 % late); resolve likewise at 40 %.
         b.created_at + e_accept * d.accept_min * 0.4 * interval '1 minute' AS accepted,
         b.created_at + (e_accept * d.accept_min * 0.4 + e_resolve * d.resolve_min * 0.4) * interval '1 minute' AS resolved,
         -- Issue 12.5: 40 % of alert orders are verified by their device (the alert cleared), at a
         -- time of their own: before anyone accepted (auto-closed) or after, never resolved by a person.
         b.created_at + e_resolve * d.resolve_min * 0.3 * interval '1 minute' AS device_at
  FROM base b JOIN ${DEPARTMENTS} ON b.r_dept >= d.w_lo AND b.r_dept < d.w_hi),
v AS (SELECT o.*, source = 'alert' AND r_fate >= 0.6 AND device_at <= $2 AS by_device FROM o),
f AS (
  SELECT v.*,
         CASE WHEN accepted > $2 OR (by_device AND accepted > device_at) THEN NULL ELSE accepted END AS accepted_at,
         CASE WHEN resolved > $2 OR r_fate < 0.02 OR by_device THEN NULL ELSE resolved END AS resolved_at,
         CASE WHEN by_device THEN device_at END AS verified_at
  FROM v)
INSERT INTO work_orders (number, site_id, source, status, department, priority, title, description, reporter,
  escalated, accept_escalated_at, resolve_escalated_at, accept_by, resolve_by, created_at, created_by,
  accepted_at, resolved_at, verified_at, closed_at, updated_at, callback_due_at, callback_at, callback_satisfied, verified_by_device)
SELECT 'WO-' || lpad(i::text, 7, '0'), '${SITE}', source,
       CASE WHEN by_device THEN 'verified'
            WHEN resolved_at IS NULL THEN (CASE WHEN accepted_at IS NULL THEN 'dispatched' ELSE 'in_progress' END)
            WHEN source = 'complaint' AND resolved_at + interval '3 days' > $2 THEN 'resolved'
            WHEN source = 'complaint' AND r_sat > 0.9 AND r_cb < 0.85 THEN 'reopened'
            WHEN resolved_at + interval '1 day' > $2 THEN 'resolved'
            ELSE 'closed' END,
       department, 'normal', department || ' ' || source || ' #' || i, 'bench order',
       CASE WHEN source = 'complaint' THEN jsonb_build_object('name', '业主', 'room', (1 + i % 30) || '-' || (101 + i % 1800), 'phone', '13800000000') END,
       COALESCE(accepted_at, verified_at, $2) > created_at + accept_min * interval '1 minute' OR COALESCE(resolved_at, verified_at, $2) > created_at + resolve_min * interval '1 minute',
       CASE WHEN COALESCE(accepted_at, verified_at, $2) > created_at + accept_min * interval '1 minute' THEN created_at + accept_min * interval '1 minute' END,
       CASE WHEN COALESCE(resolved_at, verified_at, $2) > created_at + resolve_min * interval '1 minute' THEN created_at + resolve_min * interval '1 minute' END,
       created_at + accept_min * interval '1 minute', created_at + resolve_min * interval '1 minute', created_at, 'bench',
       accepted_at, resolved_at, verified_at, CASE WHEN resolved_at + interval '1 day' <= $2 AND NOT (source = 'complaint' AND resolved_at + interval '3 days' > $2) THEN resolved_at + interval '1 day' END,
       $2,
       CASE WHEN source = 'complaint' AND resolved_at IS NOT NULL THEN resolved_at + interval '3 days' END,
       CASE WHEN source = 'complaint' AND resolved_at IS NOT NULL AND r_cb < 0.85 AND resolved_at + interval '1 day' <= $2 THEN resolved_at + interval '1 day' END,
       CASE WHEN source = 'complaint' AND resolved_at IS NOT NULL AND r_cb < 0.85 AND resolved_at + interval '1 day' <= $2 THEN r_sat <= 0.9 END,
       by_device
FROM f
ORDER BY created_at`;

/** Each order's timeline: create, dispatch, then one entry per step it reached (a device's verify by the system). */
const FILL_EVENTS = /* sql */ `
INSERT INTO work_order_events (work_order_id, at, by, action, from_status, to_status, department)
SELECT o.id, e.at, e.by, e.action, e.from_status, e.to_status, e.department
FROM work_orders o
CROSS JOIN LATERAL (VALUES
  (o.created_at, 'bench', 'create', NULL, 'new', NULL),
  (o.created_at + interval '1 minute', 'operator', 'dispatch', 'new', 'dispatched', o.department),
  (o.accepted_at, 'staff', 'accept', 'dispatched', 'accepted', NULL),
  (o.accepted_at + interval '1 minute', 'staff', 'start', 'accepted', 'in_progress', NULL),
  (o.resolved_at, 'staff', 'resolve', 'in_progress', 'resolved', NULL),
  (CASE WHEN o.verified_by_device THEN o.verified_at END, 'system', 'verify', NULL, 'verified', NULL),
  (o.closed_at, 'supervisor', 'close', 'resolved', 'closed', NULL)
) AS e(at, by, action, from_status, to_status, department)
WHERE e.at IS NOT NULL
ORDER BY o.created_at, e.at`;

/** An order from an alert is linked to one alert (the n-th alert order to the n-th alert). */
const LINK_ALERTS = /* sql */ `
WITH o AS (SELECT id, created_at, row_number() OVER (ORDER BY created_at) AS n FROM work_orders WHERE source = 'alert'),
     a AS (SELECT id, row_number() OVER (ORDER BY raised_at) AS n FROM alerts)
INSERT INTO work_order_alerts (work_order_id, alert_id, attached_at)
SELECT o.id, a.id, o.created_at FROM o JOIN a USING (n)`;

/** $1 day start, $2 seconds: one row per sensor per second, sensors interleaved as ingest writes them. */
const FILL_TELEMETRY_DAY = /* sql */ `
INSERT INTO telemetry (time, site_id, device_id, metric, value)
SELECT $1::timestamptz + s * interval '1 second', '${SITE}', d.id, '${METRIC}',
       round((55 + 15 * sin(s / 5400.0 + d.k) + random() * 2)::numeric, 2)::float8
FROM generate_series(0, $2::int - 1) s CROSS JOIN unnest($3::text[]) WITH ORDINALITY AS d(id, k)`;

export interface SeedSize {
  alerts: number;
  orders: number;
  telemetryDays: number;
  /** Sensors given a full month; the rest get `telemetryDays` too (all 50 by default). */
  sensors: string[];
}

export async function seed(db: Database, size: SeedSize, now: Date, log: (line: string) => void): Promise<void> {
  const step = async (label: string, table: string, work: (tx: Queryable) => Promise<unknown>) => {
    const t0 = performance.now();
    await withoutIndexes(db, table, work);
    const [row] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`); // table names are the constants below
    log(`  ${label}: ${row!.n.toLocaleString('en')} rows of ${table} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  await step('alerts', 'alerts', (tx) => tx.query(FILL_ALERTS, [size.alerts, now]));
  await step('work orders', 'work_orders', (tx) => tx.query(FILL_ORDERS, [size.orders, now, 365]));
  await step('timelines', 'work_order_events', (tx) => tx.query(FILL_EVENTS));
  await step('alert links', 'work_order_alerts', (tx) => tx.query(LINK_ALERTS));
  const dayMs = 86_400_000;
  const first = new Date(Math.floor(now.getTime() / dayMs) * dayMs - size.telemetryDays * dayMs);
  await step(`telemetry (${size.sensors.length} sensors × ${size.telemetryDays} days × 86,400 s)`, 'telemetry', async (tx) => {
    for (let d = 0; d < size.telemetryDays; d++) {
      await tx.query(FILL_TELEMETRY_DAY, [new Date(first.getTime() + d * dayMs).toISOString(), 86_400, size.sensors]);
      if ((d + 1) % 5 === 0) log(`    telemetry day ${d + 1}/${size.telemetryDays}`);
    }
  });
  const t0 = performance.now();
  // Index-only scans need the visibility map; an insert-only table gets it from autovacuum later.
  for (const table of ['alerts', 'work_orders', 'work_order_events', 'work_order_alerts', 'telemetry']) await db.exec(`VACUUM ANALYZE ${table}`);
  log(`  VACUUM ANALYZE in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** Fills `table` with its indexes (but its primary key) dropped, then rebuilds them as they were. */
async function withoutIndexes(db: Database, table: string, work: (tx: Queryable) => Promise<unknown>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SET LOCAL maintenance_work_mem = '1GB'`);
    await tx.query('SELECT setseed(0.42)');
    const indexes = await tx.query<{ name: string; def: string }>(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i WHERE i.indrelid = $1::regclass AND NOT i.indisprimary AND NOT i.indisunique`,
      [table],
    );
    for (const index of indexes) await tx.query(`DROP INDEX ${index.name}`);
    await work(tx);
    for (const index of indexes) await tx.query(index.def);
  });
}
