// What each audited endpoint writes: the action, its target and the few facts worth keeping
// (picked by name, never the whole body, so unknown fields never reach the table).
import { AUDIT_ACTIONS, type AckManyResult, type AuditAction, type GateOpenResult, type UserDto, type WorkOrderDto } from '@estate-watch/contracts';

/** The parts of an Express request the audit reads. */
export interface AuditedRequest {
  ip?: string;
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  user?: UserDto;
}

export interface AuditSpec {
  action: AuditAction | ((request: AuditedRequest) => AuditAction | undefined);
  /** Default: the `:id` route parameter. */
  target?: (request: AuditedRequest, result: unknown) => string | undefined;
  details?: (request: AuditedRequest, result: unknown) => Record<string, unknown>;
  /** Default `ok`. */
  outcome?: (result: unknown) => string;
  /** Also record a call that failed (its status and message), e.g. a gate that never answered. */
  failures?: boolean;
}

const MAX_TEXT = 500;

function body(request: AuditedRequest): Record<string, unknown> {
  return typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
}

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of keys) {
    const value = source[key];
    if (value === undefined) continue;
    picked[key] = typeof value === 'string' ? value.slice(0, MAX_TEXT) : value;
  }
  return picked;
}

function isAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}

const specs = {
  'alert.acknowledged': { action: 'alert.acknowledged', details: (r) => pick(body(r), ['note']) },
  'alert.cleared': { action: 'alert.cleared', details: (r) => pick(body(r), ['note']) },
  /** Several at once: one entry naming every alert it acknowledged. */
  'alert.acknowledged_many': {
    action: 'alert.acknowledged',
    target: (_, result) => (result as AckManyResult | undefined)?.acknowledged.map((a) => a.id).join(',').slice(0, MAX_TEXT),
    details: (r, result) => ({ ...pick(body(r), ['note']), count: (result as AckManyResult | undefined)?.acknowledged.length ?? 0 }),
  },
  'alert.snoozed': { action: 'alert.snoozed', details: (r) => pick(body(r), ['minutes', 'reason']) },
  'work_order.created': {
    action: 'work_order.created',
    target: (_, result) => (result as WorkOrderDto | undefined)?.id,
    details: (r) => pick(body(r), ['source', 'title', 'department', 'priority', 'channel']),
  },
  /** One spec for every POST /api/work-orders/{id}/events: the body's action names the entry. */
  'work_order.event': {
    action: (r) => {
      const action = `work_order.${String(body(r).action)}`;
      return isAction(action) ? action : undefined;
    },
    details: (r) => pick(body(r), ['department', 'assignee', 'note', 'satisfied']),
  },
  'gate.open': {
    action: 'gate.open',
    failures: true,
    details: (r, result) => ({ ...pick(body(r), ['reason']), ...pick(r.query ?? {}, ['siteId']), ...pick((result ?? {}) as Record<string, unknown>, ['commandId', 'error']) }),
    outcome: (result) => ((result as GateOpenResult).ok ? 'ok' : 'refused'),
  },
  'user.created': { action: 'user.created', target: (r) => pick(body(r), ['username']).username as string | undefined, details: (r) => pick(body(r), ['role']) },
  'user.role_changed': { action: 'user.role_changed', target: (r) => r.params?.username, details: (r) => pick(body(r), ['role']) },
  'user.removed': { action: 'user.removed', target: (r) => r.params?.username },
  'user.disabled': { action: 'user.disabled', target: (r) => r.params?.username },
  'user.enabled': { action: 'user.enabled', target: (r) => r.params?.username },
  // Never the password itself: only that it was reset, and by whom (the actor).
  'user.password_reset': { action: 'user.password_reset', target: (r) => r.params?.username },
} satisfies Record<string, AuditSpec>;

export type AuditSpecName = keyof typeof specs;
export const AUDIT_SPECS: Readonly<Record<AuditSpecName, AuditSpec>> = specs;
