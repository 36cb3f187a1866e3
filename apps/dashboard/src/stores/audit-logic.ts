// The audit page's rules (issue 8 point 9), pure: the filter as the API wants it, the action menu,
// and an entry's details as one line of text.
import type { AuditListQuery } from '../api/http';

export interface AuditFilter {
  user: string;
  /** An action, a group (`work_order`), or '' for all. */
  action: string;
  /** `<input type="datetime-local">` values, in the browser's time zone; '' for open-ended. */
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTER: AuditFilter = { user: '', action: '', from: '', to: '' };

/** datetime-local → RFC 3339 (UTC), read on the browser's clock as the operator typed it. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

export function auditQuery(filter: AuditFilter, before?: number, limit = 100): AuditListQuery {
  return {
    user: filter.user.trim() || undefined,
    action: filter.action || undefined,
    from: localInputToIso(filter.from),
    to: localInputToIso(filter.to),
    before,
    limit,
  };
}

/** 'order' when the range ends before it starts (the server would answer 400). */
export function auditFilterProblem(filter: AuditFilter): 'order' | null {
  const from = localInputToIso(filter.from);
  const to = localInputToIso(filter.to);
  return from && to && from >= to ? 'order' : null;
}

export interface ActionOption {
  value: string;
  group: boolean;
}

/** Each group (all its actions) followed by its actions, in the order the contract lists them. */
export function actionOptions(actions: readonly string[], groups: readonly string[]): ActionOption[] {
  return groups.flatMap((group) => [
    { value: group, group: true },
    ...actions.filter((a) => a.startsWith(`${group}.`)).map((value) => ({ value, group: false })),
  ]);
}

/** `department: engineering · assignee: 李工`; nested values as compact JSON. */
export function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}
