// The audit page's rules (issue 8 point 9), pure: the filter as the API wants it, the action menu,
// and an entry's details as one line of text.
import { zonedInstant } from '@estate-watch/domain/time';
import type { AuditListQuery } from '../api/http';

export interface AuditFilter {
  user: string;
  /** An action, a group (`work_order`), or '' for all. */
  action: string;
  /** `<input type="datetime-local">` values, on the site's clock (as every time on screen); '' for open-ended. */
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTER: AuditFilter = { user: '', action: '', from: '', to: '' };

const DATETIME_LOCAL = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?$/;

/** datetime-local (`2026-11-27T09:00`) → RFC 3339 (UTC), read on the site's clock, as the list shows times. */
export function localInputToIso(value: string, timeZone: string): string | undefined {
  const m = DATETIME_LOCAL.exec(value);
  if (!m) return undefined;
  try {
    return new Date(zonedInstant(m[1]!, m[2]!, timeZone).getTime() + Number(m[3] ?? 0) * 1000).toISOString();
  } catch {
    return undefined; // not a calendar date (the picker never sends one; a hand-typed URL might)
  }
}

export function auditQuery(filter: AuditFilter, timeZone: string, before?: number, limit = 100): AuditListQuery {
  return {
    user: filter.user.trim() || undefined,
    action: filter.action || undefined,
    from: localInputToIso(filter.from, timeZone),
    to: localInputToIso(filter.to, timeZone),
    before,
    limit,
  };
}

/** 'order' when the range ends before it starts (the server would answer 400). */
export function auditFilterProblem(filter: AuditFilter, timeZone: string): 'order' | null {
  const from = localInputToIso(filter.from, timeZone);
  const to = localInputToIso(filter.to, timeZone);
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
