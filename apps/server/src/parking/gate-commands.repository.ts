import { Inject, Injectable } from '@nestjs/common';
import type { GateCommandDto, GateCommandResult } from '@estate-watch/contracts';
import { DATABASE, type Database } from '../db/database';

interface CommandRow {
  id: string;
  site_id: string;
  gate_id: string;
  action: 'open' | 'close';
  by: string;
  reason: string | null;
  sent_at: Date;
  result: GateCommandResult;
  error: string | null;
  acked_at: Date | null;
}

export interface NewCommand {
  id: string;
  siteId: string;
  gateId: string;
  action: 'open' | 'close';
  by: string;
  reason?: string;
  sentAt: Date;
}

/** The only place with gate-command SQL: the audit of every remote command. */
@Injectable()
export class GateCommandsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async insert(c: NewCommand): Promise<void> {
    await this.db.query(
      `INSERT INTO gate_commands (id, site_id, gate_id, action, by, reason, sent_at, result) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')`,
      [c.id, c.siteId, c.gateId, c.action, c.by, c.reason ?? null, c.sentAt],
    );
  }

  /** Ends a pending command (timeout, failed); false when an ack got there first. */
  async finish(id: string, result: 'timeout' | 'failed', error: string): Promise<boolean> {
    const rows = await this.db.query("UPDATE gate_commands SET result = $2, error = $3 WHERE id = $1 AND result = 'pending' RETURNING id", [id, result, error]);
    return rows.length > 0;
  }

  /**
   * The gate's ack. Only the gate the command went to can answer it. A pending command becomes
   * acked or refused; an ack after the time-out is kept (acked_at, and what it said in error) but
   * the result stays `timeout`: the caller was already told so. A replayed ack changes nothing.
   */
  async recordAck(id: string, siteId: string, gateId: string, ok: boolean, error: string | undefined, at: Date): Promise<GateCommandDto | undefined> {
    const [row] = await this.db.query<CommandRow>(
      `UPDATE gate_commands SET
         result = CASE WHEN result = 'pending' THEN (CASE WHEN $4::boolean THEN 'acked' ELSE 'refused' END) ELSE result END,
         error = CASE WHEN result = 'pending' THEN $5
                      ELSE concat_ws('; ', error, 'ack arrived late: ' || (CASE WHEN $4::boolean THEN 'ok' ELSE COALESCE($5, 'not ok') END)) END,
         acked_at = $6
       WHERE id = $1 AND site_id = $2 AND gate_id = $3 AND acked_at IS NULL RETURNING *`,
      [id, siteId, gateId, ok, error ?? null, at],
    );
    return row && toDto(row);
  }

  async list(siteId: string, gateId: string, limit: number): Promise<GateCommandDto[]> {
    const rows = await this.db.query<CommandRow>('SELECT * FROM gate_commands WHERE site_id = $1 AND gate_id = $2 ORDER BY sent_at DESC, id LIMIT $3', [siteId, gateId, limit]);
    return rows.map(toDto);
  }

  async find(id: string): Promise<GateCommandDto | undefined> {
    const [row] = await this.db.query<CommandRow>('SELECT * FROM gate_commands WHERE id = $1', [id]);
    return row && toDto(row);
  }
}

function toDto(r: CommandRow): GateCommandDto {
  return {
    id: r.id,
    siteId: r.site_id,
    gateId: r.gate_id,
    action: r.action,
    by: r.by,
    reason: r.reason ?? undefined,
    sentAt: new Date(r.sent_at).toISOString(),
    result: r.result,
    error: r.error ?? undefined,
    ackedAt: r.acked_at ? new Date(r.acked_at).toISOString() : undefined,
  };
}
