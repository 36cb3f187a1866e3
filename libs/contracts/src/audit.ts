// Issue 8 point 9 — GET /api/audit (admin): filters and paging, validated.
import { z } from 'zod';
import { AUDIT_ACTION_GROUPS, AUDIT_ACTIONS } from './audit-actions';

export * from './audit-actions';

const isoDateTime = z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time with Z or an offset, e.g. 2026-11-27T08:00:00+08:00' });
const actionFilters: readonly string[] = [...AUDIT_ACTIONS, ...AUDIT_ACTION_GROUPS];

export const AUDIT_PAGE_MAX = 500;

/** `from` inclusive, `to` exclusive; `user` any letter case; `before`: the previous page's `next`. */
export const AuditQuerySchema = z
  .object({
    user: z.string().min(1).max(64).optional(),
    action: z
      .string()
      .refine((a) => actionFilters.includes(a), `one of ${actionFilters.join(', ')}`)
      .optional(),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] });
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
