// The only place with report SQL. Reads the alert and work-order tables directly (the reports
// module depends on their schema, not on the modules that write them). Every value is a parameter.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AlertType, Priority, Severity, WorkOrderSourceId, WorkOrderStatusId } from '@estate-watch/contracts';
import { DATABASE, type Database } from '../db/database';

/** One grouping of the work-order report: by department, by source, or the total. */
export interface WorkOrderStatsRow {
  dimension: 'department' | 'source' | 'total';
  key: string | null;
  total: number;
  s_new: number;
  s_dispatched: number;
  s_accepted: number;
  s_in_progress: number;
  s_resolved: number;
  s_verified: number;
  s_closed: number;
  s_reopened: number;
  escalated: number;
  accepted: number;
  accept_median: number | null;
  accept_p90: number | null;
  done: number;
  resolve_median: number | null;
  resolve_p90: number | null;
  sla_judged: number;
  sla_met: number;
  auto_closed: number;
  verified_by_device: number;
  called_back: number;
  complaints_resolved: number;
  complaints_with_callback: number;
  callbacks: number;
  callbacks_satisfied: number;
}

// "done" and the SLA rule are libs/domain doneAt() and slaOutcome(), written as SQL so 100,000
// orders are summarised where they are stored; the storage suite checks both give the same answer.
// date_part (float8), not extract (numeric since PostgreSQL 14): half the time on 100,000 rows.
// Two passes over the orders in range (issue 9.6: 263 ms → see reports/README.md):
// - the counts per (department, source) pair in one hash aggregate, then summed per grouping
//   set over those few pairs. Counting every order once per grouping set, as one GROUPING SETS
//   aggregate does, cost more than the scan;
// - the percentiles, which need each group's values sorted, over only the four columns they
//   read. The two percentiles of one column share a single sort (PostgreSQL shares their state).
const WORK_ORDER_STATS_SQL = /* sql */ `
WITH o AS NOT MATERIALIZED (
  SELECT department, source, status, escalated, callback_at, callback_satisfied,
         date_part('epoch', accepted_at - created_at) / 60 AS accept_min,
         date_part('epoch', COALESCE(resolved_at, verified_at, closed_at) - created_at) / 60 AS done_min,
         -- accepted: when accepted, or when done for an order done without acceptance
         COALESCE(accepted_at, resolved_at, verified_at, closed_at) AS accepted,
         COALESCE(resolved_at, verified_at, closed_at) AS done,
         -- autoClosed(): done with nobody accepting or resolving it (issue 12.5: apart from the SLA)
         accepted_at IS NULL AND resolved_at IS NULL AND COALESCE(verified_at, closed_at) IS NOT NULL AS auto_closed,
         -- verified by a device (its alert cleared), not by a callback: the order has the system's
         -- verify entry, a flag written with that entry (migration 020). Reading the timeline here
         -- cost a probe per order, then a hashed set of every device verification ever made
         verified_at IS NOT NULL AND verified_by_device AS device_verified,
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

export interface AlertCountRow {
  type: AlertType;
  severity: Severity;
  raised: number;
  /** Open as the alert tab means it (CONTRACT §4): not cleared, or never acknowledged, as of asOf. */
  still_open: number;
  /** Condition not cleared as of asOf. */
  condition_active: number;
  acknowledged: number;
}

export interface DepartmentDayRow {
  department: string;
  opened: number;
  closed: number;
  escalated: number;
}

export interface DailyOrderRow {
  id: string;
  number: string;
  title: string;
  source: WorkOrderSourceId;
  status: WorkOrderStatusId;
  priority: Priority;
  department: string;
  created_at: Date;
  accept_escalated_at: Date | null;
  resolve_escalated_at: Date | null;
  callback_due_at: Date | null;
  room: string | null;
  /** All rows that matched, of which at most LIST_LIMIT are returned. */
  matched: number;
}

export interface PatrolDayRow {
  rounds: number;
  completed: number;
  compliance: number | null;
}

/** Checkpoints of one round by outcome (CONTRACT §3); out_of_order is a flag beside the outcome. */
const OUTCOME_COUNTS = `count(*) FILTER (WHERE x->>'outcome' = 'on_time') AS on_time, count(*) FILTER (WHERE x->>'outcome' = 'late') AS late,
  count(*) FILTER (WHERE x->>'outcome' = 'early') AS early, count(*) FILTER (WHERE x->>'outcome' = 'missed') AS missed,
  count(*) FILTER (WHERE COALESCE(x->'flags', '[]'::jsonb) ? 'out_of_order') AS out_of_order`;

export interface OutcomeCountsRow {
  on_time: number;
  late: number;
  early: number;
  missed: number;
  out_of_order: number;
}

export interface PatrolRouteRow extends OutcomeCountsRow {
  route_id: string;
  rounds: number;
  completed: number;
  compliance: number | null;
}

export interface PatrolGuardRow extends OutcomeCountsRow {
  guard_id: string;
  rounds: number;
  completed: number;
  visits: number;
}

/** A window [from, to) and the instant "still open" is judged at. */
export interface DayWindow {
  siteId: string;
  from: Date;
  to: Date;
  asOf: Date;
}

/** A duty log is printed: past this many rows a list says how many more there are. */
export const LIST_LIMIT = 200;

@Injectable()
export class ReportsRepository {
  private readonly logger = new Logger(ReportsRepository.name);

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * The orders created in [from, to): per department, per source and the total. Its sorts hold
   * 100,000 rows: with the default work_mem (4 MB) they spill to disk, and the planner then prefers
   * walking an index in department order, one random heap page per order (EXPLAIN: 3× slower).
   * No JIT: past jit_above_cost (an estimate that grows with the range and the orders in it)
   * PostgreSQL compiles the statement's ~50 expressions for each call, 100–270 ms here, for
   * rows it then evaluates in 60 ms (EXPLAIN on the year bench, reports/README.md).
   */
  workOrderStats(siteId: string, from: Date, to: Date, now: Date): Promise<WorkOrderStatsRow[]> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`); // SET LOCAL both
      return tx.query<WorkOrderStatsRow>(WORK_ORDER_STATS_SQL, [siteId, from, to, now]);
    });
  }

  /** Alerts raised in the window, by (type, severity); open and acknowledged as of asOf. */
  alertCounts(w: DayWindow): Promise<AlertCountRow[]> {
    return this.db.query<AlertCountRow>(
      `SELECT type, severity, count(*) AS raised,
              count(*) FILTER (WHERE cleared_at IS NULL OR cleared_at > $4 OR acknowledged_at IS NULL OR acknowledged_at > $4) AS still_open,
              count(*) FILTER (WHERE cleared_at IS NULL OR cleared_at > $4) AS condition_active,
              count(*) FILTER (WHERE acknowledged_at <= $4) AS acknowledged
       FROM alerts
       WHERE site_id = $1 AND raised_at >= $2 AND raised_at < $3
       GROUP BY type, severity`,
      [w.siteId, w.from, w.to, w.asOf],
    );
  }

  /** Per department: orders created, closed and escalated in the window. */
  departmentDay(w: DayWindow): Promise<DepartmentDayRow[]> {
    return this.db.query<DepartmentDayRow>(
      `SELECT department,
              count(*) FILTER (WHERE created_at >= $2 AND created_at < $3) AS opened,
              count(*) FILTER (WHERE closed_at >= $2 AND closed_at < $3) AS closed,
              count(*) FILTER (WHERE (accept_escalated_at >= $2 AND accept_escalated_at < $3)
                                  OR (resolve_escalated_at >= $2 AND resolve_escalated_at < $3)) AS escalated
       FROM work_orders
       WHERE site_id = $1
         AND ((created_at >= $2 AND created_at < $3) OR (closed_at >= $2 AND closed_at < $3)
           OR (accept_escalated_at >= $2 AND accept_escalated_at < $3) OR (resolve_escalated_at >= $2 AND resolve_escalated_at < $3))
       GROUP BY department`,
      [w.siteId, w.from, w.to],
    );
  }

  /** Orders escalated (either deadline) during the window, earliest escalation first. */
  escalatedOrders(w: DayWindow): Promise<DailyOrderRow[]> {
    return this.db.query<DailyOrderRow>(
      `SELECT id, number, title, source, status, priority, department, created_at, accept_escalated_at, resolve_escalated_at,
              callback_due_at, reporter->>'room' AS room, count(*) OVER () AS matched
       FROM work_orders
       WHERE site_id = $1
         AND ((accept_escalated_at >= $2 AND accept_escalated_at < $3) OR (resolve_escalated_at >= $2 AND resolve_escalated_at < $3))
       ORDER BY LEAST(accept_escalated_at, resolve_escalated_at), number
       LIMIT ${LIST_LIMIT}`,
      [w.siteId, w.from, w.to],
    );
  }

  /** Complaints whose callback was due by asOf and not done by then, whenever they were made. */
  overdueCallbacks(w: DayWindow): Promise<DailyOrderRow[]> {
    return this.db.query<DailyOrderRow>(
      `SELECT id, number, title, source, status, priority, department, created_at, accept_escalated_at, resolve_escalated_at,
              callback_due_at, reporter->>'room' AS room, count(*) OVER () AS matched
       FROM work_orders
       WHERE site_id = $1 AND source = 'complaint' AND callback_due_at < $2 AND (callback_at IS NULL OR callback_at > $2)
       ORDER BY callback_due_at, number
       LIMIT ${LIST_LIMIT}`,
      [w.siteId, w.asOf],
    );
  }

  /** Patrol rounds that started in the window; null when there were none (nothing scheduled or monitored). */
  async patrolDay(w: DayWindow): Promise<PatrolDayRow | null> {
    const [row] = await this.db.query<PatrolDayRow>(
      `SELECT count(*) AS rounds, count(*) FILTER (WHERE status = 'completed') AS completed,
              (avg(compliance) FILTER (WHERE status = 'completed'))::float8 AS compliance
       FROM patrol_rounds WHERE site_id = $1 AND start >= $2 AND start < $3`,
      [w.siteId, w.from, w.to],
    );
    return row && row.rounds > 0 ? row : null;
  }

  /** Rounds that started in [from, to), per route, with their checkpoints by outcome. */
  patrolByRoute(siteId: string, from: Date, to: Date): Promise<PatrolRouteRow[]> {
    return this.db.query<PatrolRouteRow>(
      `SELECT r.route_id, count(*) AS rounds, count(*) FILTER (WHERE r.status = 'completed') AS completed,
              (avg(r.compliance) FILTER (WHERE r.status = 'completed'))::float8 AS compliance,
              COALESCE(sum(c.on_time), 0) AS on_time, COALESCE(sum(c.late), 0) AS late, COALESCE(sum(c.early), 0) AS early,
              COALESCE(sum(c.missed), 0) AS missed, COALESCE(sum(c.out_of_order), 0) AS out_of_order
       FROM patrol_rounds r CROSS JOIN LATERAL (
         SELECT ${OUTCOME_COUNTS} FROM jsonb_array_elements(COALESCE(r.round->'checkpoints', '[]'::jsonb)) x
       ) c
       WHERE r.site_id = $1 AND r.start >= $2 AND r.start < $3
       GROUP BY r.route_id`,
      [siteId, from, to],
    );
  }

  /**
   * Per guard: the rounds they tapped in, their own visits by outcome, and the misses of those rounds
   * (the round's stored checkpoints; a visit's guard is the card that tapped it).
   */
  patrolByGuard(siteId: string, from: Date, to: Date): Promise<PatrolGuardRow[]> {
    return this.db.query<PatrolGuardRow>(
      `WITH cp AS (
         SELECT r.id AS round_id, r.status, x->>'guardId' AS guard_id, x
         FROM patrol_rounds r CROSS JOIN LATERAL jsonb_array_elements(COALESCE(r.round->'checkpoints', '[]'::jsonb)) x
         WHERE r.site_id = $1 AND r.start >= $2 AND r.start < $3
       ), walked AS (SELECT DISTINCT round_id, guard_id FROM cp WHERE guard_id IS NOT NULL)
       SELECT w.guard_id,
              count(DISTINCT w.round_id) AS rounds,
              count(DISTINCT w.round_id) FILTER (WHERE cp.status = 'completed') AS completed,
              count(*) FILTER (WHERE cp.guard_id = w.guard_id) AS visits,
              count(*) FILTER (WHERE cp.guard_id = w.guard_id AND cp.x->>'outcome' = 'on_time') AS on_time,
              count(*) FILTER (WHERE cp.guard_id = w.guard_id AND cp.x->>'outcome' = 'late') AS late,
              count(*) FILTER (WHERE cp.guard_id = w.guard_id AND cp.x->>'outcome' = 'early') AS early,
              count(*) FILTER (WHERE cp.x->>'outcome' = 'missed') AS missed,
              count(*) FILTER (WHERE cp.guard_id = w.guard_id AND COALESCE(cp.x->'flags', '[]'::jsonb) ? 'out_of_order') AS out_of_order
       FROM walked w JOIN cp ON cp.round_id = w.round_id
       GROUP BY w.guard_id`,
      [siteId, from, to],
    );
  }
}
