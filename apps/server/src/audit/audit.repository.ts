// The only SQL on audit_log. Inserts only: the table refuses UPDATE and DELETE (migration 008).
import { Inject, Injectable } from '@nestjs/common';
import type { AuditAction, AuditEntryDto, AuditPageDto, AuditQuery } from '@estate-watch/contracts';
import { DATABASE, type Queryable } from '../db/database';

export interface NewAuditEntry {
  at: Date;
  actor?: string;
  action: AuditAction;
  target?: string;
  address?: string;
  outcome?: string;
  details?: Record<string, unknown>;
}

interface AuditRow {
  id: number;
  at: Date;
  actor: string | null;
  action: AuditAction;
  target: string | null;
  address: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

@Injectable()
export class AuditRepository {
  constructor(@Inject(DATABASE) private readonly db: Queryable) {}

  async insert(entry: NewAuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (at, actor, action, target, address, outcome, details) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [entry.at, entry.actor ?? null, entry.action, entry.target ?? null, entry.address ?? null, entry.outcome ?? 'ok', JSON.stringify(entry.details ?? {})],
    );
  }

  /** Newest first; one row more than asked tells whether another page follows. */
  async page(query: AuditQuery): Promise<AuditPageDto> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (query.user) add((n) => `lower(actor) = lower(${n})`, query.user);
    // A group (`work_order`) matches its actions (`work_order.dispatch` …); `left` rather than LIKE, whose `_` is a wildcard.
    if (query.action) add((n) => (query.action!.includes('.') ? `action = ${n}` : `left(action, length(${n}) + 1) = ${n} || '.'`), query.action);
    if (query.from) add((n) => `at >= ${n}`, new Date(query.from));
    if (query.to) add((n) => `at < ${n}`, new Date(query.to));
    if (query.before) add((n) => `id < ${n}`, query.before);
    params.push(query.limit + 1);
    const rows = await this.db.query<AuditRow>(
      `SELECT id, at, actor, action, target, address, outcome, details FROM audit_log
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    const more = rows.length > query.limit;
    const entries = rows.slice(0, query.limit).map(toDto);
    return { entries, next: more ? entries[entries.length - 1].id : null };
  }
}

function toDto(row: AuditRow): AuditEntryDto {
  return {
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    ...(row.actor !== null && { actor: row.actor }),
    action: row.action,
    ...(row.target !== null && { target: row.target }),
    ...(row.address !== null && { address: row.address }),
    outcome: row.outcome,
    details: row.details,
  };
}
