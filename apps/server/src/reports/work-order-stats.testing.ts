// For the test that the work-order report's figures do not change when its SQL is made faster
// (issue 9.6): a few thousand generated orders covering every path of the rules (each status,
// accepted or not, resolved or only verified/closed, device or person verification, callbacks,
// deadlines met to the minute), and the statement the report ran before, kept word for word as
// the reference.
import type { Queryable } from '../db/database';
import { WorkOrderStore } from '../work-orders/work-orders.repository';
import type { WorkOrderStatsRow } from './reports.repository';

export const GENERATED_SITE = 'gensite';
/** The generated orders are created in [GENERATED_FROM, GENERATED_TO); the report asks for a range inside it. */
export const GENERATED_FROM = Date.parse('2026-08-01T00:00:00Z');
export const GENERATED_TO = Date.parse('2026-11-01T00:00:00Z');
/** "Now" of the generated data set: the last orders are still pending against their deadlines. */
export const GENERATED_NOW = new Date(GENERATED_TO + 30 * 60_000);

const SLA: Record<string, [accept: number, resolve: number]> = {
  security: [10, 60],
  cleaning: [15, 120],
  engineering: [15, 240],
  parking: [5, 30],
  service: [10, 1440],
  gardening: [30, 600], // not in the site file: the report lists it after the file's departments
};
const SOURCES = ['alert', 'patrol', 'complaint', 'inspection'] as const;

/** Deterministic (mulberry32), so a failure names the same orders every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `count` orders of GENERATED_SITE (and a few of another site) spread over the generated months,
 * with their device and person verify entries, inserted in a few statements. Times are whole
 * minutes, so percentiles are exact decimals and a deadline is often met to the minute.
 */
export async function insertGeneratedOrders(db: Queryable, count: number, seed = 9_6): Promise<void> {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const minute = 60_000;
  const orders: unknown[][] = [];
  const verifies: [number, number, string][] = []; // order index, at, by
  const departments = Object.keys(SLA);
  for (let i = 0; i < count; i++) {
    const site = r() < 0.03 ? `${GENERATED_SITE}-other` : GENERATED_SITE;
    const department = pick(departments);
    const source = pick(SOURCES);
    const [acceptMin, resolveMin] = SLA[department]!;
    const created = GENERATED_FROM + Math.floor(r() * ((GENERATED_TO - GENERATED_FROM) / minute)) * minute;
    const at = (min: number | null) => (min === null ? null : new Date(created + min * minute));
    // The minutes each step took: around the deadline, sometimes exactly on it, sometimes never.
    const acceptAfter = r() < 0.15 ? null : r() < 0.1 ? acceptMin : Math.floor(r() * acceptMin * 2);
    const resolveAfter = r() < 0.2 ? null : r() < 0.1 ? resolveMin : (acceptAfter ?? 0) + Math.floor(r() * resolveMin * 1.6);
    const fate = r();
    let status: string;
    let accepted = acceptAfter;
    let resolved = resolveAfter;
    let verified: number | null = null;
    let closed: number | null = null;
    let callback: number | null = null;
    let satisfied: boolean | null = null;
    let byDevice = false;
    if (fate < 0.12) {
      // a device confirmed the condition cleared: verified, maybe nobody accepted or resolved it
      byDevice = true;
      verified = Math.floor(r() * resolveMin * 1.5);
      if (r() < 0.6) accepted = resolved = null;
      else if (r() < 0.5) resolved = null;
      else if (resolved !== null && verified < resolved) verified = resolved + 1;
      status = r() < 0.3 ? 'closed' : 'verified';
      if (status === 'closed') closed = verified + 60;
    } else if (fate < 0.17) {
      // closed without a resolve step
      resolved = null;
      closed = (accepted ?? 0) + Math.floor(r() * resolveMin * 2);
      status = 'closed';
    } else if (resolved === null) {
      status = accepted === null ? pick(['new', 'dispatched']) : pick(['accepted', 'in_progress']);
    } else if (source === 'complaint' && fate < 0.45) {
      callback = resolved + 24 * 60;
      satisfied = r() < 0.8;
      if (satisfied) {
        verified = callback;
        status = r() < 0.5 ? 'closed' : 'verified';
        if (status === 'closed') closed = verified + 60;
      } else {
        status = 'reopened'; // reopening clears resolved_at and keeps the unsatisfied callback
        resolved = null;
      }
    } else {
      status = r() < 0.4 ? 'resolved' : 'closed';
      if (status === 'closed') closed = resolved + 24 * 60;
      if (source === 'complaint' && r() < 0.5) {
        callback = resolved + 60;
        satisfied = r() < 0.5 ? null : r() < 0.7;
      }
    }
    // Steps cannot lie in the future of the data set's "now".
    const clip = (min: number | null) => (min !== null && created + min * minute <= GENERATED_NOW.getTime() ? min : null);
    const [a, v, c] = [clip(accepted), clip(verified), clip(closed)];
    const res = clip(resolved);
    const escalated = (a === null ? GENERATED_NOW.getTime() : created + a * minute) > created + acceptMin * minute;
    orders.push([
      `WO-G${String(i).padStart(5, '0')}`, site, source, status, department,
      source === 'complaint' ? JSON.stringify({ name: '业主', room: `1-${100 + (i % 50)}`, phone: '13800000000' }) : null,
      escalated, at(acceptMin), at(resolveMin), new Date(created), at(a), at(res), at(v), at(c),
      source === 'complaint' && res !== null ? at(res + 3 * 24 * 60) : null, at(clip(callback)), clip(callback) === null ? null : satisfied,
    ]);
    // Every fifth device-verified order was reopened and verified again by a callback: the
    // verification that stands is the person's, so it is not counted as device-verified.
    if (v !== null && byDevice && i % 5 === 0) verifies.push([i, created + v * minute - 1000, 'system'], [i, created + v * minute, 'supervisor']);
    else if (v !== null) verifies.push([i, created + v * minute, byDevice ? 'system' : 'supervisor']);
    // A device verify of an order later reopened (verified_at cleared): not counted as device-verified.
    else if (byDevice && status === 'verified') verifies.push([i, created + 60 * minute, 'system']);
  }
  const columns = 17;
  for (let start = 0; start < orders.length; start += 500) {
    const batch = orders.slice(start, start + 500);
    const values = batch.map((_, k) => `(${Array.from({ length: columns }, (_, c) => `$${k * columns + c + 1}`).join(', ')})`);
    await db.query(
      `INSERT INTO work_orders (number, site_id, source, status, department, priority, title, description, reporter,
         escalated, accept_by, resolve_by, created_at, created_by, accepted_at, resolved_at, verified_at, closed_at, updated_at,
         callback_due_at, callback_at, callback_satisfied)
       SELECT v.number, v.site_id, v.source, v.status, v.department, 'normal', v.number, 'generated', v.reporter::jsonb,
              v.escalated::boolean, v.accept_by::timestamptz, v.resolve_by::timestamptz, v.created_at::timestamptz, 'test',
              v.accepted_at::timestamptz, v.resolved_at::timestamptz, v.verified_at::timestamptz, v.closed_at::timestamptz,
              v.created_at::timestamptz, v.callback_due_at::timestamptz, v.callback_at::timestamptz, v.callback_satisfied::boolean
       FROM (VALUES ${values.join(', ')}) AS v(number, site_id, source, status, department, reporter, escalated, accept_by, resolve_by,
         created_at, accepted_at, resolved_at, verified_at, closed_at, callback_due_at, callback_at, callback_satisfied)`,
      // VALUES makes every parameter text: the casts above give each its type back.
      batch.flat().map((v) => (v instanceof Date ? v.toISOString() : typeof v === 'boolean' ? String(v) : v)),
    );
  }
  // Through the work-order module's own write, which marks an order its device verified.
  const ids = new Map((await db.query<{ id: string; number: string }>(`SELECT id, number FROM work_orders WHERE number LIKE 'WO-G%'`)).map((o) => [o.number, o.id]));
  const store = new WorkOrderStore(db);
  for (const [i, at, by] of verifies) {
    await store.addEvent({ work_order_id: ids.get(`WO-G${String(i).padStart(5, '0')}`)!, at: new Date(at), by, action: 'verify', note: null, from_status: 'resolved', to_status: 'verified' });
  }
}

/**
 * The work-order report's statement before issue 9.6's last pass (two scans: counts per pair, then
 * percentiles by GROUPING SETS; the device-verified column from the timeline: orders whose last
 * verify entry is the system's). Never run by the server: the reference its replacement must agree with, row for row.
 */
export const REFERENCE_WORK_ORDER_STATS_SQL = /* sql */ `
WITH o AS NOT MATERIALIZED (
  SELECT department, source, status, escalated, callback_at, callback_satisfied,
         date_part('epoch', accepted_at - created_at) / 60 AS accept_min,
         date_part('epoch', COALESCE(resolved_at, verified_at, closed_at) - created_at) / 60 AS done_min,
         COALESCE(accepted_at, resolved_at, verified_at, closed_at) AS accepted,
         COALESCE(resolved_at, verified_at, closed_at) AS done,
         accepted_at IS NULL AND resolved_at IS NULL AND COALESCE(verified_at, closed_at) IS NOT NULL AS auto_closed,
         verified_at IS NOT NULL AND id IN (
           SELECT l.work_order_id FROM (SELECT DISTINCT ON (work_order_id) work_order_id, by FROM work_order_events
                                        WHERE action = 'verify' ORDER BY work_order_id, at DESC, id DESC) l
           WHERE l.by = 'system') AS device_verified,
         callback_at IS NOT NULL AS called_back,
         accept_by, resolve_by
  FROM work_orders
  WHERE site_id = $1 AND created_at >= $2 AND created_at < $3
),
s AS (
  SELECT department, source, status, escalated, accept_min, done_min,
         source = 'complaint' AND done IS NOT NULL AS complaint_done,
         source = 'complaint' AND callback_at IS NOT NULL AS callback,
         callback_satisfied IS TRUE AS satisfied, auto_closed, device_verified, called_back,
         NOT auto_closed AND accepted <= accept_by AND done <= resolve_by AS sla_met,
         NOT auto_closed AND (CASE WHEN accepted IS NOT NULL THEN accepted > accept_by ELSE $4 > accept_by END
           OR CASE WHEN done IS NOT NULL THEN done > resolve_by ELSE $4 > resolve_by END) AS sla_missed
  FROM o
),
pairs AS (
  SELECT department, source,
    count(*) AS total,
    count(*) FILTER (WHERE status = 'new') AS s_new,
    count(*) FILTER (WHERE status = 'dispatched') AS s_dispatched,
    count(*) FILTER (WHERE status = 'accepted') AS s_accepted,
    count(*) FILTER (WHERE status = 'in_progress') AS s_in_progress,
    count(*) FILTER (WHERE status = 'resolved') AS s_resolved,
    count(*) FILTER (WHERE status = 'verified') AS s_verified,
    count(*) FILTER (WHERE status = 'closed') AS s_closed,
    count(*) FILTER (WHERE status = 'reopened') AS s_reopened,
    count(*) FILTER (WHERE escalated) AS escalated,
    count(accept_min) AS accepted,
    count(done_min) AS done,
    count(*) FILTER (WHERE sla_met OR sla_missed) AS sla_judged,
    count(*) FILTER (WHERE sla_met) AS sla_met,
    count(*) FILTER (WHERE auto_closed) AS auto_closed,
    count(*) FILTER (WHERE device_verified) AS verified_by_device,
    count(*) FILTER (WHERE called_back) AS called_back,
    count(*) FILTER (WHERE complaint_done) AS complaints_resolved,
    count(*) FILTER (WHERE complaint_done AND callback) AS complaints_with_callback,
    count(*) FILTER (WHERE callback) AS callbacks,
    count(*) FILTER (WHERE callback AND satisfied) AS callbacks_satisfied
  FROM s
  GROUP BY department, source
),
counts AS (
  SELECT
    CASE WHEN GROUPING(department) = 0 THEN 'department' WHEN GROUPING(source) = 0 THEN 'source' ELSE 'total' END AS dimension,
    COALESCE(department, source) AS key,
    sum(total) AS total, sum(s_new) AS s_new, sum(s_dispatched) AS s_dispatched, sum(s_accepted) AS s_accepted,
    sum(s_in_progress) AS s_in_progress, sum(s_resolved) AS s_resolved, sum(s_verified) AS s_verified, sum(s_closed) AS s_closed,
    sum(s_reopened) AS s_reopened, sum(escalated) AS escalated, sum(accepted) AS accepted, sum(done) AS done,
    sum(sla_judged) AS sla_judged, sum(sla_met) AS sla_met, sum(auto_closed) AS auto_closed,
    sum(verified_by_device) AS verified_by_device, sum(called_back) AS called_back, sum(complaints_resolved) AS complaints_resolved,
    sum(complaints_with_callback) AS complaints_with_callback, sum(callbacks) AS callbacks, sum(callbacks_satisfied) AS callbacks_satisfied
  FROM pairs
  GROUP BY GROUPING SETS ((department), (source), ())
),
percentiles AS (
  SELECT
    CASE WHEN GROUPING(department) = 0 THEN 'department' WHEN GROUPING(source) = 0 THEN 'source' ELSE 'total' END AS dimension,
    COALESCE(department, source) AS key,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY accept_min) AS accept_median,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY accept_min) AS accept_p90,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY done_min) AS resolve_median,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY done_min) AS resolve_p90
  FROM o
  GROUP BY GROUPING SETS ((department), (source), ())
)
SELECT c.*, p.accept_median, p.accept_p90, p.resolve_median, p.resolve_p90
FROM counts c JOIN percentiles p ON p.dimension = c.dimension AND p.key IS NOT DISTINCT FROM c.key`;

/** The reference statement's rows, in a stable order (dimension, key), as the repository types them. */
export async function referenceWorkOrderStats(db: Queryable, siteId: string, from: Date, to: Date, now: Date): Promise<WorkOrderStatsRow[]> {
  const rows = await db.query<WorkOrderStatsRow>(REFERENCE_WORK_ORDER_STATS_SQL, [siteId, from, to, now]);
  return sortStats(rows);
}

export function sortStats(rows: WorkOrderStatsRow[]): WorkOrderStatsRow[] {
  return [...rows].sort((a, b) => a.dimension.localeCompare(b.dimension) || (a.key ?? '').localeCompare(b.key ?? ''));
}
