// CONTRACT §5 — the work-order lifecycle as a pure function: state + action → next state, or why not.
// The vocabulary (statuses, actions, sources) is the contracts' (work-order-constants.ts).
import { WORK_ORDER_ACTION_IDS, type WorkOrderActionId, type WorkOrderSourceId, type WorkOrderStatusId } from '@estate-watch/contracts';

export interface TransitionInput {
  status: WorkOrderStatusId;
  source: WorkOrderSourceId;
  action: WorkOrderActionId;
  /** verify: whether the resident (callback) was satisfied; false reopens. Default true. */
  satisfied?: boolean;
  /** verify by the system on a device confirming the condition cleared (§5): allowed from any open status. */
  byDevice?: boolean;
}

export type TransitionResult = { ok: true; status: WorkOrderStatusId } | { ok: false; reason: string; allowed: WorkOrderActionId[] };

const OPEN: readonly WorkOrderStatusId[] = ['new', 'dispatched', 'accepted', 'in_progress', 'resolved', 'reopened'];

/** From which statuses each staff action is legal, and where it leads. */
const RULES: Record<Exclude<WorkOrderActionId, 'comment' | 'verify' | 'close'>, { from: readonly WorkOrderStatusId[]; to: WorkOrderStatusId }> = {
  // Re-dispatching moves the order to another department or assignee before work starts.
  dispatch: { from: ['new', 'dispatched', 'accepted', 'reopened'], to: 'dispatched' },
  accept: { from: ['dispatched', 'reopened'], to: 'accepted' },
  start: { from: ['accepted'], to: 'in_progress' },
  // A quick fix may skip "start".
  resolve: { from: ['accepted', 'in_progress'], to: 'resolved' },
  reopen: { from: ['resolved', 'verified', 'closed'], to: 'reopened' },
};

export function transition(input: TransitionInput): TransitionResult {
  const { status, action } = input;
  const refuse = (reason: string): TransitionResult => ({ ok: false, reason, allowed: allowedActions(status, input.source) });
  switch (action) {
    case 'comment':
      return { ok: true, status };
    case 'verify':
      if (input.byDevice) return OPEN.includes(status) ? { ok: true, status: 'verified' } : refuse(`a ${status} order is not open`);
      if (status !== 'resolved') return refuse(`only a resolved order can be verified; this one is ${status}`);
      // An unsatisfied callback reopens the order (§5).
      return { ok: true, status: input.satisfied === false ? 'reopened' : 'verified' };
    case 'close':
      if (status === 'verified') return { ok: true, status: 'closed' };
      if (status === 'resolved' && input.source !== 'complaint') return { ok: true, status: 'closed' };
      if (status === 'resolved') return refuse('a complaint is closed only after its callback: verify it with the resident first');
      return refuse(`a ${status} order cannot be closed`);
    default: {
      const rule = RULES[action];
      if (!rule.from.includes(status)) return refuse(`cannot ${action} a ${status} order`);
      return { ok: true, status: rule.to };
    }
  }
}

/** Actions a person may take on an order in this status (for 409 answers and the dashboard's buttons). */
export function allowedActions(status: WorkOrderStatusId, source: WorkOrderSourceId): WorkOrderActionId[] {
  return WORK_ORDER_ACTION_IDS.filter((action) => {
    if (action === 'comment') return true;
    if (action === 'verify') return status === 'resolved';
    if (action === 'close') return status === 'verified' || (status === 'resolved' && source !== 'complaint');
    return RULES[action].from.includes(status);
  });
}

export function isOpen(status: WorkOrderStatusId): boolean {
  return OPEN.includes(status);
}
