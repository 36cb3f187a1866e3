// CONTRACT §5 — SLA clocks of a work order: deadlines, escalation and the complaint callback.
// Pure: the time is always a parameter (STYLE: every timer-driven rule takes its clock).
// PRIORITIES is listed lowest first: an escalation is one step along it.
import { CALLBACK_DUE_MS, PRIORITIES, type Priority, type WorkOrderSourceId, type WorkOrderStatusId } from '@estate-watch/contracts';

export interface DepartmentSla {
  acceptMin: number;
  resolveMin: number;
}

export interface Deadlines {
  acceptBy: Date;
  resolveBy: Date;
}

/** Both deadlines count from when the order was made, with the department's SLA. */
export function deadlines(createdAt: Date, sla: DepartmentSla): Deadlines {
  return {
    acceptBy: new Date(createdAt.getTime() + sla.acceptMin * 60_000),
    resolveBy: new Date(createdAt.getTime() + sla.resolveMin * 60_000),
  };
}

/** Not yet accepted: the accept deadline still runs. */
const AWAITING_ACCEPT: readonly WorkOrderStatusId[] = ['new', 'dispatched', 'reopened'];
/** Not yet resolved: the resolve deadline still runs. */
const AWAITING_RESOLVE: readonly WorkOrderStatusId[] = ['new', 'dispatched', 'accepted', 'in_progress', 'reopened'];

export type Escalation = 'accept' | 'resolve';

export interface DeadlineState extends Deadlines {
  status: WorkOrderStatusId;
  acceptEscalated: boolean;
  resolveEscalated: boolean;
}

/**
 * Which deadlines an order has missed at `now` and not yet been escalated for; each escalates once.
 * Exactly at the deadline is still in time; one millisecond after is late.
 */
export function dueEscalations(order: DeadlineState, now: Date): Escalation[] {
  const due: Escalation[] = [];
  if (!order.acceptEscalated && AWAITING_ACCEPT.includes(order.status) && now.getTime() > order.acceptBy.getTime()) due.push('accept');
  if (!order.resolveEscalated && AWAITING_RESOLVE.includes(order.status) && now.getTime() > order.resolveBy.getTime()) due.push('resolve');
  return due;
}

/** One step up, capped at urgent. */
export function nextPriority(priority: Priority): Priority {
  return PRIORITIES[Math.min(PRIORITIES.indexOf(priority) + 1, PRIORITIES.length - 1)]!;
}

/** The more pressing of two priorities. */
export function higherPriority(a: Priority, b: Priority): Priority {
  return PRIORITIES.indexOf(a) >= PRIORITIES.indexOf(b) ? a : b;
}

/** CONTRACT §5: a complaint needs its callback (回访) within 3 days of being resolved. */
export function callbackDueAt(resolvedAt: Date): Date {
  return new Date(resolvedAt.getTime() + CALLBACK_DUE_MS);
}

export interface CallbackState {
  source: WorkOrderSourceId;
  status: WorkOrderStatusId;
  callbackDueAt?: Date;
  callbackOverdue: boolean;
}

/** A complaint still resolved (no callback yet) past its callback deadline, not yet flagged. */
export function callbackNowOverdue(order: CallbackState, now: Date): boolean {
  return (
    order.source === 'complaint' &&
    order.status === 'resolved' &&
    !order.callbackOverdue &&
    order.callbackDueAt !== undefined &&
    now.getTime() > order.callbackDueAt.getTime()
  );
}

/**
 * The first instant at which the deadline sweep has something to do for this order (dueEscalations
 * or callbackNowOverdue true: one millisecond after a deadline), or null when nothing is pending.
 */
export function deadlineDueAt(order: DeadlineState & CallbackState): Date | null {
  let due = Infinity;
  if (!order.acceptEscalated && AWAITING_ACCEPT.includes(order.status)) due = Math.min(due, order.acceptBy.getTime() + 1);
  if (!order.resolveEscalated && AWAITING_RESOLVE.includes(order.status)) due = Math.min(due, order.resolveBy.getTime() + 1);
  if (order.source === 'complaint' && order.status === 'resolved' && !order.callbackOverdue && order.callbackDueAt) due = Math.min(due, order.callbackDueAt.getTime() + 1);
  return Number.isFinite(due) ? new Date(due) : null;
}
