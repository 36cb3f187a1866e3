// Management reports (issue 3.5): picks the site and the range, asks the repository, shapes the DTOs.
import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import {
  SEVERITIES,
  WORK_ORDER_SOURCES,
  WORK_ORDER_STATUS_IDS,
  type DailyOrderItemDto,
  type DailyReportDto,
  type DailyReportQuery,
  type PatrolCheckpointCountsDto,
  type PatrolReportDto,
  type PatrolReportQuery,
  type Severity,
  type SiteConfig,
  type WorkOrderReportDto,
  type WorkOrderReportQuery,
  type WorkOrderStatsDto,
  type WorkOrderStatusId,
} from '@estate-watch/contracts';
import { localDateOf, localDayBounds, percent, resolveReportRange, roundTo } from '@estate-watch/domain';
import { CLOCK, type Clock } from '../common/clock';
import { SitesService } from '../sites/sites.service';
import { renderDailyReportHtml } from './daily-report.html';
import { SOURCE_NAMES, TOTAL_NAME } from './report-labels';
import { ReportsRepository, type DailyOrderRow, type DayWindow, type OutcomeCountsRow, type WorkOrderStatsRow } from './reports.repository';

export const PATROL_NOT_RECORDED = 'no patrol rounds that day';

@Injectable()
export class ReportsService {
  constructor(
    private readonly repository: ReportsRepository,
    private readonly sites: SitesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async workOrderReport(query: WorkOrderReportQuery): Promise<WorkOrderReportDto> {
    const site = this.site(query.siteId);
    const now = this.clock.now();
    const range = resolveReportRange(query, now, site.site.timezone);
    if (!range.ok) throw new BadRequestException(range.message);
    const rows = await this.repository.workOrderStats(site.site.id, range.from, range.to, now);

    const departmentNames = new Map(site.departments.map((d) => [d.id as string, d.name]));
    const found = (dimension: WorkOrderStatsRow['dimension']) => new Map(rows.filter((r) => r.dimension === dimension).map((r) => [r.key ?? '', r]));
    const byDepartment = found('department');
    const bySource = found('source');
    const departmentKeys = [...departmentNames.keys(), ...[...byDepartment.keys()].filter((k) => !departmentNames.has(k)).sort()];
    return {
      siteId: site.site.id,
      siteName: site.site.name,
      timezone: site.site.timezone,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      generatedAt: now.toISOString(),
      total: toStats('total', TOTAL_NAME, rows.find((r) => r.dimension === 'total')),
      byDepartment: departmentKeys.map((k) => toStats(k, departmentNames.get(k) ?? k, byDepartment.get(k))),
      bySource: WORK_ORDER_SOURCES.map((k) => toStats(k, SOURCE_NAMES[k], bySource.get(k))),
    };
  }

  /** Patrol compliance by route and by guard over a range (issue 12.5; the duty log has one day). */
  async patrolReport(query: PatrolReportQuery): Promise<PatrolReportDto> {
    const site = this.site(query.siteId);
    const now = this.clock.now();
    const range = resolveReportRange(query, now, site.site.timezone);
    if (!range.ok) throw new BadRequestException(range.message);
    const [routes, guards] = await Promise.all([
      this.repository.patrolByRoute(site.site.id, range.from, range.to),
      this.repository.patrolByGuard(site.site.id, range.from, range.to),
    ]);
    const routeRows = new Map(routes.map((r) => [r.route_id, r]));
    const guardRows = new Map(guards.map((g) => [g.guard_id, g]));
    const routeIds = [...site.routes.map((r) => r.id as string), ...[...routeRows.keys()].filter((k) => !site.routes.some((r) => r.id === k)).sort()];
    const guardIds = [...site.guards.map((g) => g.id as string), ...[...guardRows.keys()].filter((k) => !site.guards.some((g) => g.id === k)).sort()];
    return {
      siteId: site.site.id,
      timezone: site.site.timezone,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      generatedAt: now.toISOString(),
      byRoute: routeIds.map((id) => {
        const r = routeRows.get(id);
        return { routeId: id, name: site.routes.find((x) => x.id === id)?.name ?? id, rounds: r?.rounds ?? 0, completed: r?.completed ?? 0,
          compliancePct: roundTo(r?.compliance == null ? null : r.compliance * 100, 1), checkpoints: outcomeCounts(r) };
      }),
      byGuard: guardIds.map((id) => {
        const g = guardRows.get(id);
        return { guardId: id, name: site.guards.find((x) => x.id === id)?.name ?? id, visits: g?.visits ?? 0, onTime: g?.on_time ?? 0,
          onTimePct: percent(g?.on_time ?? 0, g?.visits ?? 0), rounds: g?.rounds ?? 0, completed: g?.completed ?? 0, checkpoints: outcomeCounts(g) };
      }),
    };
  }

  async dailyReport(query: DailyReportQuery): Promise<DailyReportDto> {
    const site = this.site(query.siteId);
    const now = this.clock.now();
    const tz = site.site.timezone;
    const date = query.date ?? localDateOf(now, tz);
    const day = localDayBounds(date, tz);
    if (day.from > now) throw new BadRequestException(`${date} has not begun yet at ${site.site.name}; ask for today (${localDateOf(now, tz)}) or an earlier day`);
    const w: DayWindow = { siteId: site.site.id, from: day.from, to: day.to, asOf: now < day.to ? now : day.to };

    const [alertRows, departmentRows, escalated, overdue, patrol] = await Promise.all([
      this.repository.alertCounts(w),
      this.repository.departmentDay(w),
      this.repository.escalatedOrders(w),
      this.repository.overdueCallbacks(w),
      this.repository.patrolDay(w),
    ]);

    const types = new Map<string, DailyReportDto['alerts']['byType'][number]>();
    const bySeverity = zeros(SEVERITIES);
    for (const r of alertRows) {
      const t = types.get(r.type) ?? { type: r.type, total: 0, bySeverity: zeros(SEVERITIES) };
      t.total += r.raised;
      t.bySeverity[r.severity as Severity] = (t.bySeverity[r.severity as Severity] ?? 0) + r.raised;
      bySeverity[r.severity as Severity] = (bySeverity[r.severity as Severity] ?? 0) + r.raised;
      types.set(r.type, t);
    }
    const sum = (f: (r: (typeof alertRows)[number]) => number) => alertRows.reduce((n, r) => n + f(r), 0);
    const raised = sum((r) => r.raised);
    const acknowledged = sum((r) => r.acknowledged);

    const departmentNames = new Map(site.departments.map((d) => [d.id as string, d.name]));
    const departmentDays = new Map(departmentRows.map((r) => [r.department, r]));
    const departments = [...departmentNames.keys(), ...[...departmentDays.keys()].filter((k) => !departmentNames.has(k)).sort()];
    const byDepartment = departments.map((department) => {
      const r = departmentDays.get(department);
      return { department, name: departmentNames.get(department) ?? department, opened: r?.opened ?? 0, closed: r?.closed ?? 0, escalated: r?.escalated ?? 0 };
    });
    const item = (r: DailyOrderRow) => toItem(r, departmentNames, w);

    return {
      siteId: site.site.id,
      siteName: site.site.name,
      timezone: tz,
      date,
      from: day.from.toISOString(),
      to: day.to.toISOString(),
      asOf: w.asOf.toISOString(),
      generatedAt: now.toISOString(),
      alerts: {
        raised,
        bySeverity,
        byType: [...types.values()].sort((a, b) => b.total - a.total || a.type.localeCompare(b.type)),
        stillOpen: sum((r) => r.still_open),
        conditionActive: sum((r) => r.condition_active),
        acknowledged,
        unacknowledged: raised - acknowledged,
      },
      // Round compliance is on-time ÷ all checkpoints (CONTRACT §3), stored as a fraction.
      patrol: patrol && { rounds: patrol.rounds, completed: patrol.completed, compliancePct: roundTo(patrol.compliance === null ? null : patrol.compliance * 100, 1) },
      ...(patrol ? {} : { patrolNote: PATROL_NOT_RECORDED }),
      workOrders: {
        byDepartment,
        total: {
          opened: byDepartment.reduce((n, d) => n + d.opened, 0),
          closed: byDepartment.reduce((n, d) => n + d.closed, 0),
          escalated: byDepartment.reduce((n, d) => n + d.escalated, 0),
        },
      },
      escalatedOrders: escalated.map(item),
      escalatedCount: escalated[0]?.matched ?? 0,
      overdueCallbacks: overdue.map(item),
      overdueCallbackCount: overdue[0]?.matched ?? 0,
    };
  }

  async dailyReportHtml(query: DailyReportQuery): Promise<string> {
    return renderDailyReportHtml(await this.dailyReport(query));
  }

  /** The site asked for; with one site configured it need not be named. */
  private site(siteId: string | undefined): SiteConfig {
    const all = this.sites.all();
    if (siteId !== undefined) {
      const site = this.sites.site(siteId);
      if (!site) throw new BadRequestException(`siteId: no site "${siteId}"; this server runs ${all.map((s) => s.site.id).join(', ')}`);
      return site;
    }
    if (all.length === 1) return all[0]!;
    throw new BadRequestException(`siteId: this server runs ${all.length} sites; name one of ${all.map((s) => s.site.id).join(', ')}`);
  }
}

function outcomeCounts(r: OutcomeCountsRow | undefined): PatrolCheckpointCountsDto {
  return { onTime: r?.on_time ?? 0, late: r?.late ?? 0, early: r?.early ?? 0, missed: r?.missed ?? 0, outOfOrder: r?.out_of_order ?? 0 };
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function toStats(key: string, name: string, r: WorkOrderStatsRow | undefined): WorkOrderStatsDto {
  const byStatus = zeros(WORK_ORDER_STATUS_IDS);
  if (r) for (const s of WORK_ORDER_STATUS_IDS) byStatus[s] = r[`s_${s}` as `s_${WorkOrderStatusId}`];
  const minutes = (v: number | null | undefined) => roundTo(v ?? null, 1);
  return {
    key,
    name,
    total: r?.total ?? 0,
    byStatus,
    escalated: r?.escalated ?? 0,
    toAccept: { count: r?.accepted ?? 0, medianMin: minutes(r?.accept_median), p90Min: minutes(r?.accept_p90) },
    toResolve: { count: r?.done ?? 0, medianMin: minutes(r?.resolve_median), p90Min: minutes(r?.resolve_p90) },
    sla: { judged: r?.sla_judged ?? 0, met: r?.sla_met ?? 0, compliancePct: percent(r?.sla_met ?? 0, r?.sla_judged ?? 0), autoClosed: r?.auto_closed ?? 0 },
    verification: { byDevice: r?.verified_by_device ?? 0, byCallback: r?.called_back ?? 0 },
    callbacks: {
      complaintsResolved: r?.complaints_resolved ?? 0,
      withCallback: r?.complaints_with_callback ?? 0,
      callbackRatePct: percent(r?.complaints_with_callback ?? 0, r?.complaints_resolved ?? 0),
      callbacks: r?.callbacks ?? 0,
      satisfied: r?.callbacks_satisfied ?? 0,
      satisfactionPct: percent(r?.callbacks_satisfied ?? 0, r?.callbacks ?? 0),
    },
  };
}

function toItem(r: DailyOrderRow, departmentNames: Map<string, string>, w: DayWindow): DailyOrderItemDto {
  const inDay = (t: Date | null) => t !== null && t >= w.from && t < w.to;
  const accept = inDay(r.accept_escalated_at);
  const resolve = inDay(r.resolve_escalated_at);
  const escalatedAt = [accept ? r.accept_escalated_at : null, resolve ? r.resolve_escalated_at : null].filter((t): t is Date => t !== null).sort((a, b) => a.getTime() - b.getTime())[0];
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    source: r.source,
    status: r.status,
    priority: r.priority,
    department: r.department,
    departmentName: departmentNames.get(r.department) ?? r.department,
    createdAt: r.created_at.toISOString(),
    ...(accept || resolve ? { escalation: accept && resolve ? 'accept+resolve' : accept ? 'accept' : 'resolve', escalatedAt: escalatedAt!.toISOString() } : {}),
    ...(r.callback_due_at && r.callback_due_at < w.asOf ? { callbackDueAt: r.callback_due_at.toISOString() } : {}),
    ...(r.room ? { room: r.room } : {}),
  };
}
