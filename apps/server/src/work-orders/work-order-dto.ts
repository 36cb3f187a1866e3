// Rows → the API object of CONTRACT §6 (work order), with its alerts and timeline.
import type { DepartmentId, TimelineEntryDto, WorkOrderDto } from '@estate-watch/contracts';
import { allowedActions } from '@estate-watch/domain';
import type { EventRow, WorkOrderListRow, WorkOrderViewRow } from './work-orders.repository';

/** A Date, or the list's ISO text (already what toISOString() gives). */
type Time = Date | string | null;

function iso(d: Time): string | undefined {
  if (typeof d === 'string') return d;
  return d ? new Date(d).toISOString() : undefined;
}

function earliest(...dates: Time[]): Date | null {
  const times = dates.filter((d): d is Date => d !== null).map((d) => new Date(d).getTime());
  return times.length ? new Date(Math.min(...times)) : null;
}

export function toTimelineEntry(e: EventRow): TimelineEntryDto {
  return {
    at: iso(e.at)!,
    by: e.by,
    action: e.action,
    ...(e.note !== null && { note: e.note }),
    ...(e.note_key != null && { noteKey: e.note_key }),
    ...(e.note_params != null && { noteParams: e.note_params }),
    ...(e.from_status !== null && { from: e.from_status }),
    ...(e.to_status !== null && { to: e.to_status }),
    ...(e.department != null && { department: e.department as DepartmentId }),
    ...(e.assignee != null && { assignee: e.assignee }),
  };
}

/** `timezone`: the order's site's zone (SitesService.timezoneOf), which the order carries for screens (issue 10 point 2). */
export function toWorkOrderDto(r: WorkOrderViewRow, timezone: string, alertIds: string[], timeline: EventRow[]): WorkOrderDto {
  return toWorkOrderListDto(r, timezone, alertIds, timeline.map(toTimelineEntry));
}

/** The same object from a list row (times as ISO text) and timeline entries PostgreSQL built. */
export function toWorkOrderListDto(r: WorkOrderViewRow | WorkOrderListRow, timezone: string, alertIds: string[], timeline: TimelineEntryDto[]): WorkOrderDto {
  return {
    id: r.id,
    number: r.number,
    siteId: r.site_id,
    timezone,
    source: r.source,
    status: r.status,
    department: r.department,
    assignee: r.assignee ?? undefined,
    priority: r.priority,
    title: r.title,
    description: r.description,
    reporter: r.reporter ?? undefined,
    channel: r.channel ?? undefined,
    escalated: r.escalated,
    escalatedAt: iso(earliest(r.accept_escalated_at, r.resolve_escalated_at)),
    acceptEscalatedAt: iso(r.accept_escalated_at),
    resolveEscalatedAt: iso(r.resolve_escalated_at),
    acceptBy: iso(r.accept_by)!,
    resolveBy: iso(r.resolve_by)!,
    createdAt: iso(r.created_at)!,
    createdBy: r.created_by,
    acceptedAt: iso(r.accepted_at),
    resolvedAt: iso(r.resolved_at),
    verifiedAt: iso(r.verified_at),
    verifiedBy: r.verified_by ?? undefined,
    closedAt: iso(r.closed_at),
    callbackDueAt: iso(r.callback_due_at),
    callbackOverdue: r.callback_overdue,
    callbackSatisfied: r.callback_satisfied ?? undefined,
    callbackAt: iso(r.callback_at),
    originKey: r.origin_key ?? undefined,
    alertIds,
    allowedActions: allowedActions(r.status, r.source),
    timeline,
  };
}
