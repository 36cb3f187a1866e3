// Issue 8 point 9 — the audit log's vocabulary. Dependency-free, so the dashboard can use the values.
import { WORK_ORDER_ACTION_IDS } from './work-order-constants';

export const AUDIT_ACTIONS = [
  'auth.login',
  'user.created',
  'user.role_changed',
  'user.removed',
  'user.disabled',
  'user.enabled',
  'user.password_reset',
  'alert.acknowledged',
  'alert.cleared',
  'alert.snoozed',
  'work_order.created',
  ...WORK_ORDER_ACTION_IDS.map((a) => `work_order.${a}` as const),
  'gate.open',
  'config.loaded',
  'config.reloaded',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Groups the filter accepts as an action too: `work_order` finds every `work_order.*` entry. */
export const AUDIT_ACTION_GROUPS = ['auth', 'user', 'alert', 'work_order', 'gate', 'config'] as const;

/** One audit entry: who did what to what, from where, with what result. */
export interface AuditEntryDto {
  id: number;
  at: string;
  /** The user; absent when the server itself acted (configuration loaded) or nobody signed in (a failed login names the username tried in `details`). */
  actor?: string;
  action: AuditAction;
  /** What it was about: an alert or work-order id, a username, a gate. */
  target?: string;
  /** The client's address (TRUST_PROXY decides whether X-Forwarded-For counts). */
  address?: string;
  /** `ok`, or what went wrong: `failed`, `throttled`, `refused`, `timeout`, … */
  outcome: string;
  details: Record<string, unknown>;
}

/** GET /api/audit answers newest first; `next` is the `before` value for the following page, null after the last. */
export interface AuditPageDto {
  entries: AuditEntryDto[];
  next: number | null;
}
