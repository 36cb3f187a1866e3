import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor, likePattern, type AlertDto, type AlertEventDto, type AlertQuery, type AlertStatus, type AlertType, type Severity } from '@estate-watch/contracts';
import { DATABASE, type Database, type Queryable } from '../db/database';
import { ALERT_SEARCH_SQL } from '../db/migrations/018-history-users';
import { SitesService } from '../sites/sites.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface AlertRow {
  id: string;
  site_id: string;
  type: AlertType;
  subject: string;
  severity: Severity;
  status: AlertStatus;
  message: string;
  count: number;
  raised_at: Date;
  last_seen_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  ack_note: string | null;
  cleared_at: Date | null;
  cleared_by: string | null;
  clear_note: string | null;
  work_order_id: string | null;
  details: Record<string, unknown>;
  snoozed_until: Date | null;
  events: AlertEventDto[] | null;
  inserted?: boolean;
}

/** An alert written by the statement of the state change that calls for it (AlertsRepository.writeSql). */
export type AlertWrite = { op: 'raise'; row: RaiseRow } | { op: 'clear'; siteId: string; type: AlertType; subject: string; at: Date };

export interface RaiseRow {
  /** The id of a new alert, when the screens already know it (AlertsService.forewarn); otherwise the database draws one. */
  id?: string;
  siteId: string;
  type: AlertType;
  subject: string;
  severity: Severity;
  message: string;
  at: Date;
  details?: Record<string, unknown>;
}

/** The only place with alert SQL; its rows leave as AlertDto with their site's zone (issue 10 point 2). */
@Injectable()
export class AlertsRepository {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly sites: SitesService,
  ) {}

  private readonly dto = (r: AlertRow): AlertDto => toDto(r, this.sites.timezoneOf(r.site_id));

  /**
   * One statement, so two server instances raising the same alert at once still leave one open
   * row (CONTRACT §4: one open alert per (type, subject)); `inserted` tells a new alert from a repeat.
   * `db`: the caller's transaction, when the alert commits with the state that called for it.
   */
  async raise(r: RaiseRow, db: Queryable = this.db): Promise<{ alert: AlertDto; inserted: boolean }> {
    const { sql, params } = withParams((param) => raiseSql(r, param));
    const [row] = await db.query<AlertRow>(sql, params);
    return { alert: this.dto(row!), inserted: row!.inserted === true };
  }

  /** A new alert as raise() will store it, for the screens ahead of its commit (AlertsService.forewarn). */
  provisional(r: RaiseRow & { id: string }): AlertDto {
    return this.dto({
      id: r.id,
      site_id: r.siteId,
      type: r.type,
      subject: r.subject,
      severity: r.severity,
      status: 'active',
      message: r.message,
      count: 1,
      raised_at: r.at,
      last_seen_at: r.at,
      acknowledged_at: null,
      acknowledged_by: null,
      ack_note: null,
      cleared_at: null,
      cleared_by: null,
      clear_note: null,
      work_order_id: null,
      details: r.details ?? {},
      snoozed_until: null,
      events: null,
    });
  }

  /** Every open alert of these types, all sites (what forewarning must know of at start-up). */
  async openOfTypes(types: readonly AlertType[]): Promise<AlertDto[]> {
    const rows = await this.db.query<AlertRow>('SELECT * FROM alerts WHERE type = ANY($1::text[]) AND cleared_at IS NULL', [types]);
    return rows.map(this.dto);
  }

  /** Clears the open alert of (type, subject) if there is one; `db` as for raise. */
  async clearBySubject(siteId: string, type: AlertType, subject: string, at: Date, by: string | null, note?: string, db: Queryable = this.db): Promise<AlertDto | undefined> {
    const { sql, params } = withParams((param) => clearSql({ siteId, type, subject, at, by, note }, param));
    const [row] = await db.query<AlertRow>(sql, params);
    return row && this.dto(row);
  }

  /**
   * raise() and clearBySubject() as parts of the caller's own statement (EquipmentRepository: a
   * sensor's state and its alerts in one statement, one round trip on an alarm's way to the
   * screens, issue 9.4): a CTE and a result column `alert_{i}` (the row as JSON, null when a
   * clear found nothing open) per write; `param` appends to the caller's parameters.
   */
  writeSql(writes: readonly AlertWrite[], param: (value: unknown) => string): { ctes: string[]; columns: string[] } {
    const ctes = writes.map((w, i) => `alert_${i} AS (${w.op === 'raise' ? raiseSql(w.row, param) : clearSql({ ...w, by: null }, param)})`);
    return { ctes, columns: writes.map((_, i) => `(SELECT row_to_json(a) FROM alert_${i} a) AS alert_${i}`) };
  }

  /** What writeSql's columns hold: each write's alert (row_to_json's times are ISO text, which toDto reads as well). */
  written(row: Record<string, unknown>, count: number): ({ alert: AlertDto; inserted: boolean } | undefined)[] {
    return Array.from({ length: count }, (_, i) => {
      const r = row[`alert_${i}`] as AlertRow | null | undefined;
      return r ? { alert: this.dto(r), inserted: r.inserted === true } : undefined;
    });
  }

  async clearById(id: string, at: Date, by: string, note?: string): Promise<AlertDto | undefined> {
    const [row] = await this.db.query<AlertRow>(
      `UPDATE alerts SET status = 'cleared', cleared_at = $2, cleared_by = $3, clear_note = $4
       WHERE id = $1 AND cleared_at IS NULL RETURNING *`,
      [id, at, by, note ?? null],
    );
    return row && this.dto(row);
  }

  /** Acknowledges an alert not yet acknowledged; a cleared one keeps status `cleared`. */
  async acknowledge(id: string, at: Date, by: string, note?: string): Promise<AlertDto | undefined> {
    const [row] = await this.db.query<AlertRow>(
      `UPDATE alerts SET acknowledged_at = $2, acknowledged_by = $3, ack_note = $4,
         status = CASE WHEN status = 'active' THEN 'acknowledged' ELSE status END
       WHERE id = $1 AND acknowledged_at IS NULL RETURNING *`,
      [id, at, by, note ?? null],
    );
    return row && this.dto(row);
  }

  /** Snoozes an alert nobody acknowledged yet; the entry joins its timeline. */
  async snooze(id: string, until: Date, event: AlertEventDto): Promise<AlertDto | undefined> {
    const [row] = await this.db.query<AlertRow>(
      `UPDATE alerts SET snoozed_until = $2, events = events || $3::jsonb
       WHERE id = $1 AND acknowledged_at IS NULL RETURNING *`,
      [id, until, JSON.stringify([event])],
    );
    return row && this.dto(row);
  }

  async setWorkOrder(alertId: string, workOrderId: string): Promise<void> {
    await this.db.query('UPDATE alerts SET work_order_id = $2 WHERE id = $1', [alertId, workOrderId]);
  }

  async findById(id: string): Promise<AlertDto | undefined> {
    const [row] = await this.db.query<AlertRow>('SELECT * FROM alerts WHERE id = $1', [id]);
    return row && this.dto(row);
  }

  async findOpen(siteId: string, type: AlertType, subject: string): Promise<AlertDto | undefined> {
    const [row] = await this.db.query<AlertRow>(
      'SELECT * FROM alerts WHERE site_id = $1 AND type = $2 AND subject = $3 AND cleared_at IS NULL',
      [siteId, type, subject],
    );
    return row && this.dto(row);
  }

  /** Every open alert of these types at a site, in one read (the partial index alerts_one_open). */
  async findOpenOfTypes(siteId: string, types: readonly AlertType[]): Promise<AlertDto[]> {
    const rows = await this.db.query<AlertRow>('SELECT * FROM alerts WHERE site_id = $1 AND type = ANY($2::text[]) AND cleared_at IS NULL', [siteId, types]);
    return rows.map(this.dto);
  }

  async list(q: AlertQuery): Promise<AlertDto[]> {
    return (await this.listRows(q)).map(this.dto);
  }

  /** One page of the history, newest first, and the cursor of the next (issue 12.7). */
  async page(q: AlertQuery): Promise<{ items: AlertDto[]; nextCursor?: string }> {
    const rows = await this.listRows(q);
    const last = rows.length === q.limit ? rows[rows.length - 1] : undefined;
    return { items: rows.map(this.dto), ...(last && { nextCursor: encodeCursor({ at: last.cursor_at, key: last.id }) }) };
  }

  /** Keyset-paged on (raised_at DESC, id), the order of the list. */
  private listRows(q: AlertQuery): Promise<(AlertRow & { cursor_at: string })[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.status === 'open') where.push('(cleared_at IS NULL OR acknowledged_at IS NULL)');
    else if (q.status) where.push(`status = ${param(q.status)}`);
    if (q.type) where.push(`type = ${param(q.type)}`);
    if (q.siteId) where.push(`site_id = ${param(q.siteId)}`);
    if (q.subject) where.push(`subject = ${param(q.subject)}`);
    if (q.from) where.push(`raised_at >= ${param(q.from)}`);
    if (q.to) where.push(`raised_at < ${param(q.to)}`);
    if (q.q) where.push(`${ALERT_SEARCH_SQL} ILIKE ${param(likePattern(q.q))}`); // migration 018's trigram index
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    if (after && !UUID.test(after.key)) throw new BadRequestException('cursor: not one of /api/alerts; send X-Next-Cursor of the previous page as it came');
    if (after) {
      const at = param(after.at);
      where.push(`(raised_at < ${at}::timestamptz OR (raised_at = ${at}::timestamptz AND id > ${param(after.key)}::uuid))`);
    }
    const sql = `SELECT *, to_char(raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
                 FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY raised_at DESC, id LIMIT ${param(q.limit)}`;
    return this.db.query<AlertRow & { cursor_at: string }>(sql, params);
  }
}

/** A statement's text with its parameters, numbered as `build` asks for them. */
function withParams(build: (param: (value: unknown) => string) => string): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const sql = build((value) => (params.push(value), `$${params.length}`));
  return { sql, params };
}

function raiseSql(r: RaiseRow, param: (value: unknown) => string): string {
  const at = param(r.at);
  return `INSERT INTO alerts (id, site_id, type, subject, severity, status, message, count, raised_at, last_seen_at, details)
       VALUES (COALESCE(${param(r.id ?? null)}::uuid, gen_random_uuid()), ${param(r.siteId)}, ${param(r.type)}, ${param(r.subject)}, ${param(r.severity)}, 'active', ${param(r.message)}, 1, ${at}::timestamptz, ${at}::timestamptz, ${param(JSON.stringify(r.details ?? {}))}::jsonb)
       ON CONFLICT (site_id, type, subject) WHERE cleared_at IS NULL DO UPDATE
         SET count = alerts.count + 1,
             last_seen_at = GREATEST(alerts.last_seen_at, EXCLUDED.last_seen_at),
             message = EXCLUDED.message,
             severity = EXCLUDED.severity,
             details = alerts.details || EXCLUDED.details
       RETURNING *, (xmax = 0) AS inserted`;
}

function clearSql(c: { siteId: string; type: AlertType; subject: string; at: Date; by: string | null; note?: string }, param: (value: unknown) => string): string {
  return `UPDATE alerts SET status = 'cleared', cleared_at = ${param(c.at)}, cleared_by = ${param(c.by)}, clear_note = ${param(c.note ?? null)}
       WHERE site_id = ${param(c.siteId)} AND type = ${param(c.type)} AND subject = ${param(c.subject)} AND cleared_at IS NULL RETURNING *`;
}

function iso(d: Date | null): string | undefined {
  return d ? new Date(d).toISOString() : undefined;
}

function toDto(r: AlertRow, timezone: string): AlertDto {
  return {
    id: r.id,
    type: r.type,
    severity: r.severity,
    status: r.status,
    siteId: r.site_id,
    timezone,
    subject: r.subject,
    message: r.message,
    count: r.count,
    raisedAt: iso(r.raised_at)!,
    lastSeenAt: iso(r.last_seen_at)!,
    acknowledgedAt: iso(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by ?? undefined,
    ackNote: r.ack_note ?? undefined,
    clearedAt: iso(r.cleared_at),
    clearedBy: r.cleared_by ?? undefined,
    workOrderId: r.work_order_id ?? undefined,
    snoozedUntil: iso(r.snoozed_until),
    events: r.events && r.events.length > 0 ? r.events : undefined,
    details: r.details && Object.keys(r.details).length > 0 ? r.details : undefined,
  };
}
