// Issue 12.7 — search, date range and keyset paging for the alert and work-order histories.
// Added to GET /api/alerts and GET /api/work-orders; the answer stays an array (CONTRACT §6) and
// the next page's cursor comes in the X-Next-Cursor header (absent on the last page).
import { z } from 'zod';

export { NEXT_CURSOR_HEADER } from './web-constants';

const instant = z.iso.datetime({ offset: true, error: 'a date-time with an offset, e.g. 2026-11-01T00:00:00+08:00' });

/**
 * - `q`: words to find (work orders: number, title, reporter's name, room or phone; alerts: message,
 *   subject, type), case-insensitive, taken literally (% and _ are not wildcards).
 * - `from` (inclusive) / `to` (exclusive): when raised (alerts) or created (work orders).
 * - `cursor`: X-Next-Cursor of the previous page, with the same filters.
 */
export const HistoryQueryFields = {
  q: z.string().trim().min(1, 'q: at least one character').max(100, 'q: at most 100 characters').optional(),
  from: instant.optional(),
  to: instant.optional(),
  cursor: z
    .string()
    .max(200)
    .refine((c) => decodeCursor(c) !== undefined, 'cursor: not one this server gave; send X-Next-Cursor of the previous page as it came')
    .optional(),
};

export interface HistoryCursor {
  /** The last row's time to the microsecond, as PostgreSQL prints it in UTC. */
  at: string;
  /** The last row's tie-breaker: a work order's number, an alert's id. */
  key: string;
}

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeCursor(c: HistoryCursor): string {
  return btoa(`${c.at}|${c.key}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeCursor(s: string): HistoryCursor | undefined {
  try {
    const text = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    const bar = text.indexOf('|');
    const at = text.slice(0, bar);
    const key = text.slice(bar + 1);
    return bar > 0 && CURSOR_AT.test(at) && key.length > 0 && key.length <= 64 ? { at, key } : undefined;
  } catch {
    return undefined;
  }
}

/** `%`, `_` and `\` in q are literal in ILIKE … ESCAPE '\'. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, '\\$&')}%`;
}
