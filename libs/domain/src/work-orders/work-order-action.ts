// CONTRACT §5 — one action on a work order judged whole: whether it may be taken, and what it writes
// besides the status. Returns a verdict; the server turns a refusal into its HTTP answer.
import type { DepartmentId, WorkOrderActionId, WorkOrderSourceId, WorkOrderStatusId } from '@estate-watch/contracts';
import { defaultComplaintDepartment, ENGINEERING } from './default-department';
import { callbackDueAt, deadlines, type DepartmentSla } from './sla';
import { transition } from './work-order-transitions';

/** What the rules need of the order the action is taken on. */
export interface OrderFacts {
  siteId: string;
  source: WorkOrderSourceId;
  status: WorkOrderStatusId;
  department: DepartmentId;
  createdAt: Date;
}

/** An action as a person (HTTP) or a rule (the system) asks for it. */
export interface WorkOrderActionInput {
  action: WorkOrderActionId;
  note?: string;
  satisfied?: boolean;
  /** verify: a device confirmed the condition cleared (CONTRACT §5), allowed from any open status. */
  byDevice?: boolean;
  department?: DepartmentId;
  assignee?: string;
}

/** A site's departments as the rules need them (CONTRACT §2: each site names its own). */
export interface SiteDepartments {
  siteId: string;
  departments: readonly { id: DepartmentId; sla: DepartmentSla }[];
}

/** The fields an action writes; absent means unchanged, null means emptied. */
export interface WorkOrderChange {
  status: WorkOrderStatusId;
  department?: DepartmentId;
  assignee?: string | null;
  acceptBy?: Date;
  resolveBy?: Date;
  dispatchedAt?: Date;
  acceptedAt?: Date;
  startedAt?: Date;
  resolvedAt?: Date | null;
  verifiedAt?: Date | null;
  closedAt?: Date | null;
  callbackDueAt?: Date | null;
  callbackAt?: Date;
  callbackSatisfied?: boolean;
  callbackOverdue?: boolean;
}

/** A request the order's state cannot explain away: the asker must change what they send (HTTP 400). */
export type InputRefusal = { ok: false; reason: 'note_required' | 'unknown_department' | 'no_default_department'; message: string };
/** Not from this status (HTTP 409, with what is allowed instead). */
export type StateRefusal = { ok: false; reason: 'not_allowed'; message: string; allowed: WorkOrderActionId[] };

export type ActionVerdict = { ok: true; change: WorkOrderChange } | InputRefusal | StateRefusal;

/**
 * The rules in the order a person meets them: a complaint's verification says what the resident
 * said; the state machine allows the action from this status; a dispatch goes to one of the site's
 * departments. `site` is undefined for an order whose site is no longer configured.
 */
export function judgeAction(order: OrderFacts, a: WorkOrderActionInput, site: SiteDepartments | undefined, now: Date): ActionVerdict {
  if (a.action === 'verify' && order.source === 'complaint' && !a.byDevice && !a.note) {
    return { ok: false, reason: 'note_required', message: 'note: a complaint is verified by its callback; say what the resident said' };
  }
  const next = transition({ status: order.status, source: order.source, action: a.action, satisfied: a.satisfied, byDevice: a.byDevice });
  if (!next.ok) return { ok: false, reason: 'not_allowed', message: next.reason, allowed: next.allowed };
  const to = next.status;
  const change: WorkOrderChange = { status: to };
  switch (a.action) {
    case 'dispatch': {
      const department = a.department ?? order.department;
      const sla = site && departmentSla(site, department);
      if (!sla) return notADepartment(department, order.siteId, site);
      // Re-routed to another department: its SLA, still counted from when the order was made.
      const d = deadlines(order.createdAt, sla);
      Object.assign(change, { department, assignee: a.assignee ?? null, dispatchedAt: now, acceptBy: d.acceptBy, resolveBy: d.resolveBy });
      break;
    }
    case 'accept':
      change.acceptedAt = now;
      break;
    case 'start':
      change.startedAt = now;
      break;
    case 'resolve':
      change.resolvedAt = now;
      // CONTRACT §5: a complaint needs its callback within 3 days.
      if (order.source === 'complaint') Object.assign(change, { callbackDueAt: callbackDueAt(now), callbackOverdue: false });
      break;
    case 'verify':
    case 'reopen':
      if (to === 'verified') change.verifiedAt = now;
      // A person's verify of a complaint is its callback; so is a reopen that says how the resident felt.
      if (order.source === 'complaint' && !a.byDevice && (a.action === 'verify' || a.satisfied !== undefined)) {
        Object.assign(change, { callbackAt: now, callbackSatisfied: a.satisfied ?? true });
      }
      // A reopened order starts a new round of work: the last round's end is history (timeline).
      if (to === 'reopened') Object.assign(change, { resolvedAt: null, verifiedAt: null, closedAt: null, callbackDueAt: null, callbackOverdue: false });
      break;
    case 'close':
      change.closedAt = now;
      break;
    case 'comment':
      break;
  }
  return { ok: true, change };
}

/**
 * The department of a new complaint or inspection and its SLA. Without one asked for: a complaint
 * goes to the customer-service centre, or the site's first department (default-department.ts); an
 * inspection to engineering, as in CONTRACT §2's example, and a site without it must be told one.
 */
export function newOrderDepartment(
  source: WorkOrderSourceId,
  requested: DepartmentId | undefined,
  site: SiteDepartments,
): { ok: true; department: DepartmentId; sla: DepartmentSla } | InputRefusal {
  const department = requested ?? (source === 'complaint' ? defaultComplaintDepartment(site.departments) : ENGINEERING);
  const sla = departmentSla(site, department);
  if (sla) return { ok: true, department, sla };
  if (requested) return notADepartment(department, site.siteId, site);
  return {
    ok: false,
    reason: 'no_default_department',
    message: `department: required: site ${site.siteId} has no "${department}" department to default to (departments: ${known(site)})`,
  };
}

/** Used when a rule routes to a department the site file does not list (its SLA is unknown). */
export const FALLBACK_SLA: DepartmentSla = { acceptMin: 15, resolveMin: 240 };

export function departmentSla(site: SiteDepartments, department: DepartmentId): DepartmentSla | undefined {
  return site.departments.find((d) => d.id === department)?.sla;
}

function notADepartment(department: DepartmentId, siteId: string, site: SiteDepartments | undefined): InputRefusal {
  const list = site ? ` (departments: ${known(site)})` : '';
  return { ok: false, reason: 'unknown_department', message: `department: "${department}" is not a department of site ${siteId}${list}` };
}

const known = (site: SiteDepartments) => site.departments.map((d) => d.id).join(', ');
