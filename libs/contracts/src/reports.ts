// Issue 3.5 — management reports: the work-order report and the daily duty log (值班日志).
import { z } from 'zod';
import type { AlertType } from './alerts';
import type { DepartmentId, Severity } from './site-config';
import type { Priority, WorkOrderSourceId, WorkOrderStatusId } from './work-orders';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Date.parse('2026-02-30') is 2 March: a date is real only if it survives the round trip. */
const isCalendarDate = (s: string) => {
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
};
const isoDate = z.string().regex(DATE, 'a date YYYY-MM-DD (site-local)').refine(isCalendarDate, 'not a calendar date');
const dateOrDateTime = z.union([isoDate, z.iso.datetime({ offset: true })], {
  error: 'a date YYYY-MM-DD (site-local midnight) or a date-time with an offset, e.g. 2026-11-01T08:00:00+08:00',
});
const siteId = z.string().max(32).optional();

/**
 * GET /api/reports/work-orders. `from` inclusive, `to` exclusive; a date is the start of that
 * site-local day (from=2026-11-01&to=2026-12-01 is November). Default: the 30 site-local days up
 * to the end of today. At most 366 days. `siteId` is needed only when the server runs several sites.
 */
export const WorkOrderReportQuerySchema = z.object({ from: dateOrDateTime.optional(), to: dateOrDateTime.optional(), siteId });
export type WorkOrderReportQuery = z.infer<typeof WorkOrderReportQuerySchema>;

/** GET /api/reports/daily and /api/reports/daily.html. Default date: today, site-local. */
export const DailyReportQuerySchema = z.object({ date: isoDate.optional(), siteId });
export type DailyReportQuery = z.infer<typeof DailyReportQuerySchema>;

/** Minutes from creation to a step, over the orders that reached it; null when none did. */
export interface DurationStatsDto {
  /** Orders that reached the step. */
  count: number;
  /** Median minutes (percentile_cont 0.5), one decimal. */
  medianMin: number | null;
  /** 90th-percentile minutes (percentile_cont 0.9: linear interpolation), one decimal. */
  p90Min: number | null;
}

/**
 * SLA compliance. An order is judged once its outcome is known:
 * - met: accepted at or before acceptBy AND done at or before resolveBy. "Done" is resolvedAt, or
 *   else verifiedAt / closedAt (a device verified it without a resolve step); an order done without
 *   ever being accepted counts as accepted when it was done.
 * - missed: a deadline has passed unmet — accepted or done after it, or not yet by the time of the
 *   report (generatedAt).
 * Orders with both deadlines still ahead and unmet are pending and left out.
 * - autoClosed: done with nobody accepting or resolving it (a device verified it, CONTRACT §5):
 *   neither met nor missed, counted here apart (issue 12.5).
 * compliancePct = met ÷ judged × 100 (one decimal); null when nothing is judged yet.
 */
export interface SlaStatsDto {
  judged: number;
  met: number;
  compliancePct: number | null;
  autoClosed: number;
}

/**
 * How orders were verified (issue 12.5: two different states, not one 已回访 column).
 * - byDevice: verified by the device confirming its condition cleared (the system's verify entry).
 * - byCallback: a callback with the resident was recorded (callbackAt), satisfied or not.
 */
export interface VerificationStatsDto {
  byDevice: number;
  byCallback: number;
}

/**
 * Complaint callbacks (回访, CONTRACT §5), over complaints only.
 * - callbackRatePct = resolved complaints that have a callback (callbackAt) ÷ resolved complaints
 *   ("resolved" = reached resolved: resolvedAt, or verified/closed).
 * - satisfactionPct = callbacks recorded satisfied ÷ callbacks (complaints with a callbackAt,
 *   including one since reopened as unsatisfied). A callback with no recorded answer is not satisfied.
 *   Each complaint counts once, with its latest callback.
 * Both null when their denominator is 0.
 */
export interface CallbackStatsDto {
  complaintsResolved: number;
  withCallback: number;
  callbackRatePct: number | null;
  callbacks: number;
  satisfied: number;
  satisfactionPct: number | null;
}

/** One row of the report: a department, a source, or the total. Orders counted by createdAt in range. */
export interface WorkOrderStatsDto {
  /** Department id, source id, or 'total'. */
  key: string;
  /** Display name: the department's from the site file (安管部), the source's (投诉), 合计. */
  name: string;
  total: number;
  /** Every status key, 0 when none: the order's status now. */
  byStatus: Record<WorkOrderStatusId, number>;
  /** Orders escalated (past a deadline) at any time. */
  escalated: number;
  /** acceptedAt − createdAt. */
  toAccept: DurationStatsDto;
  /** done − createdAt, done = resolvedAt, or else verifiedAt / closedAt. */
  toResolve: DurationStatsDto;
  sla: SlaStatsDto;
  verification: VerificationStatsDto;
  callbacks: CallbackStatsDto;
}

export interface WorkOrderReportDto {
  siteId: string;
  siteName: string;
  timezone: string;
  /** The range actually used (ISO instants): from inclusive, to exclusive. */
  from: string;
  to: string;
  /** The "now" that pending/missed was judged against. */
  generatedAt: string;
  total: WorkOrderStatsDto;
  /** Every department of the site file (zeros when none), then any other department found in orders. */
  byDepartment: WorkOrderStatsDto[];
  /** Every source (alert, patrol, complaint, inspection). */
  bySource: WorkOrderStatsDto[];
}

export interface DailyAlertTypeDto {
  type: AlertType;
  total: number;
  bySeverity: Record<Severity, number>;
}

/** Alerts raised during the day; "still open" and "acknowledged" as of `asOf`. */
export interface DailyAlertsDto {
  raised: number;
  bySeverity: Record<Severity, number>;
  /** Types that occurred, most frequent first. */
  byType: DailyAlertTypeDto[];
  /**
   * Open as of asOf, with the one meaning "open" has everywhere (the alert tab's status=open,
   * CONTRACT §4): the condition is not cleared, or nobody has acknowledged it yet.
   */
  stillOpen: number;
  /** Of those raised, the condition not cleared by asOf (未恢复). */
  conditionActive: number;
  acknowledged: number;
  unacknowledged: number;
}

export interface DailyPatrolDto {
  rounds: number;
  completed: number;
  /** Mean round compliance, %, one decimal; null with no completed round. */
  compliancePct: number | null;
}

export interface DailyDepartmentOrdersDto {
  department: string;
  name: string;
  /** Created that day. */
  opened: number;
  /** Closed that day. */
  closed: number;
  /** Escalated that day (accept or resolve deadline missed). */
  escalated: number;
}

export interface DailyOrderItemDto {
  id: string;
  number: string;
  title: string;
  source: WorkOrderSourceId;
  status: WorkOrderStatusId;
  priority: Priority;
  department: DepartmentId | string;
  departmentName: string;
  createdAt: string;
  /** Escalated orders: which deadline, and when. */
  escalation?: 'accept' | 'resolve' | 'accept+resolve';
  escalatedAt?: string;
  /** Overdue callbacks: when it was due, and the resident's room. */
  callbackDueAt?: string;
  room?: string;
}

/** The duty log (值班日志) of one site-local day. */
export interface DailyReportDto {
  siteId: string;
  siteName: string;
  timezone: string;
  date: string;
  /** The day as instants: from inclusive, to exclusive. */
  from: string;
  to: string;
  /** Open/acknowledged/overdue are as of this instant: the end of the day, or now while the day lasts. */
  asOf: string;
  generatedAt: string;
  alerts: DailyAlertsDto;
  /** null when the day had no patrol rounds (patrolNote says so). */
  patrol: DailyPatrolDto | null;
  patrolNote?: string;
  workOrders: { byDepartment: DailyDepartmentOrdersDto[]; total: Omit<DailyDepartmentOrdersDto, 'department' | 'name'> };
  /** Orders escalated during the day, earliest escalation first; at most 200 (escalatedCount counts all). */
  escalatedOrders: DailyOrderItemDto[];
  escalatedCount: number;
  /** Complaints whose callback was due by asOf and not done by then (any creation date), oldest due first; at most 200. */
  overdueCallbacks: DailyOrderItemDto[];
  overdueCallbackCount: number;
}

/** GET /api/reports/patrol: same range rules as the work-order report (default: the last 30 site-local days). */
export const PatrolReportQuerySchema = WorkOrderReportQuerySchema;
export type PatrolReportQuery = WorkOrderReportQuery;

/** GET /api/patrol/rounds/export.csv (issue 12.7): the report's range rules, optionally one route. */
export const RoundsExportQuerySchema = WorkOrderReportQuerySchema.extend({ routeId: z.string().max(64).optional() });
export type RoundsExportQuery = z.infer<typeof RoundsExportQuerySchema>;

/**
 * Checkpoints by outcome (CONTRACT §3). `outOfOrder` counts visits flagged `out_of_order`, which are
 * also counted by their outcome; pending and unmonitored checkpoints are in none of the five.
 */
export interface PatrolCheckpointCountsDto {
  onTime: number;
  late: number;
  early: number;
  missed: number;
  outOfOrder: number;
}

/**
 * Patrol compliance over a range (issue 12.5), rounds by their start.
 * - byRoute: every route of the site file; `rounds` are those planned in the range (scheduled ones
 *   included), compliancePct = mean compliance of its completed rounds (a round's compliance is
 *   on-time ÷ all checkpoints, CONTRACT §3), one decimal, null with none; checkpoints of all its rounds.
 * - byGuard: checkpoint visits by each guard's card; onTimePct = on-time visits ÷ visits. `rounds`
 *   are the rounds the guard tapped in (completed: of those), `checkpoints` their own visits, except
 *   `missed`: the misses of the rounds they walked. A missed checkpoint has no guard, so it lowers
 *   the route's compliance, not a guard's onTimePct.
 */
export interface PatrolReportDto {
  siteId: string;
  timezone: string;
  from: string;
  to: string;
  generatedAt: string;
  byRoute: { routeId: string; name: string; rounds: number; completed: number; compliancePct: number | null; checkpoints: PatrolCheckpointCountsDto }[];
  byGuard: {
    guardId: string;
    name: string;
    visits: number;
    onTime: number;
    onTimePct: number | null;
    rounds: number;
    completed: number;
    checkpoints: PatrolCheckpointCountsDto;
  }[];
}
