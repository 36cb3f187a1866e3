// What an action writes besides the status: timestamps, the department and its SLA, the callback.
import { BadRequestException } from '@nestjs/common';
import type { DepartmentId } from '@estate-watch/contracts';
import { callbackDueAt, deadlines, type DepartmentSla } from '@estate-watch/domain';
import type { WorkOrderChanges, WorkOrderRow } from './work-orders.repository';
import type { WorkOrderAction } from './work-orders.service';

export function changesFor(
  order: WorkOrderRow,
  a: WorkOrderAction,
  to: WorkOrderRow['status'],
  now: Date,
  slaOf: (department: DepartmentId) => DepartmentSla | undefined,
  /** The site's department ids, named when a dispatch goes to one it does not have. */
  known?: string,
): WorkOrderChanges {
  const changes: WorkOrderChanges = { status: to };
  switch (a.action) {
    case 'dispatch': {
      const department = a.department ?? order.department;
      const sla = slaOf(department);
      if (!sla) throw new BadRequestException(`department: "${department}" is not a department of site ${order.site_id}${known ? ` (departments: ${known})` : ''}`);
      // Re-routed to another department: its SLA, still counted from when the order was made.
      const d = deadlines(order.created_at, sla);
      Object.assign(changes, { department, assignee: a.assignee ?? null, dispatched_at: now, accept_by: d.acceptBy, resolve_by: d.resolveBy });
      break;
    }
    case 'accept':
      changes.accepted_at = now;
      break;
    case 'start':
      changes.started_at = now;
      break;
    case 'resolve':
      changes.resolved_at = now;
      // CONTRACT §5: a complaint needs its callback within 3 days.
      if (order.source === 'complaint') Object.assign(changes, { callback_due_at: callbackDueAt(now), callback_overdue: false });
      break;
    case 'verify':
    case 'reopen':
      if (to === 'verified') changes.verified_at = now;
      if (order.source === 'complaint' && !a.byDevice && (a.action === 'verify' || a.satisfied !== undefined)) {
        Object.assign(changes, { callback_at: now, callback_satisfied: a.satisfied ?? true });
      }
      // A reopened order starts a new round of work: the last round's end is history (timeline).
      if (to === 'reopened') Object.assign(changes, { resolved_at: null, verified_at: null, closed_at: null, callback_due_at: null, callback_overdue: false });
      break;
    case 'close':
      changes.closed_at = now;
      break;
    case 'comment':
      break;
  }
  return changes;
}
