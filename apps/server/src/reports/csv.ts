// CSV for Excel (issue 12.7): UTF-8 with a byte-order mark (without it Excel reads Chinese as
// GBK mojibake), CRLF lines, RFC 4180 quoting, times in the site's zone, and no formulas.

import { localDateTimeOf } from '@estate-watch/domain';

const BOM = '\uFEFF';

/**
 * A cell Excel or LibreOffice would run as a formula (OWASP "CSV injection": = + - @, and tab / CR
 * that some versions strip before looking) gets a leading apostrophe, so it shows as text.
 * Numbers are written as numbers: a negative reading stays -3.5.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole file: BOM, header, rows, CRLF after each line. */
export function toCsv(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** `2026-11-27 09:31:05` in the site's zone (the header names the zone); '' for no time. */
export function siteTime(at: Date | string | null | undefined, timeZone: string): string {
  return at === null || at === undefined ? '' : localDateTimeOf(new Date(at), timeZone, true);
}

/** Content-Disposition for a download: an ASCII name, and the same name for browsers that read filename*. */
export function attachment(name: string): string {
  return `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Rows an export holds at most: a year of a busy site's work orders; more is a database dump. */
export const EXPORT_MAX_ROWS = 100_000;

/** Reads a keyset-paged history page by page, up to EXPORT_MAX_ROWS rows. */
export async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string }>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const { items, nextCursor } = await page(cursor);
    all.push(...items);
    cursor = nextCursor;
  } while (cursor && all.length < EXPORT_MAX_ROWS);
  return all.slice(0, EXPORT_MAX_ROWS);
}

/** The part of Express's response a controller sets headers on. */
export interface HeaderResponse {
  setHeader(name: string, value: string): unknown;
}

/** Headers of a CSV download; the date in the file name is the server's UTC day. */
export function csvHeaders(res: HeaderResponse, name: string, now: Date): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', attachment(`${name}-${now.toISOString().slice(0, 10)}.csv`));
  res.setHeader('Cache-Control', 'no-store');
}
