import { Inject, Injectable } from '@nestjs/common';
import type { LevelSample } from '@estate-watch/domain';
import { DATABASE, type Database } from '../db/database';

export interface DispenserRow {
  site_id: string;
  dispenser_id: string;
  last_seq: number;
  level: number | null;
  level_at: Date | null;
  battery: number | null;
  last_refill_at: Date | null;
}

export interface LevelInput {
  siteId: string;
  dispenserId: string;
  seq: number;
  at: Date;
  level: number;
  battery?: number;
}

/** Samples older than this are no use to the rate (it looks at the last 24 h) and are pruned. */
const KEEP_SAMPLES_MS = 7 * 24 * 3600_000;

/** The only place with dispenser SQL. */
@Injectable()
export class ConsumablesRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async states(siteId?: string): Promise<DispenserRow[]> {
    // A dispenser may report its battery only in `status` (CONTRACT §1): the device row has it then.
    const rows = await this.db.query<DispenserRow>(
      `SELECT s.site_id, s.dispenser_id, s.last_seq, s.level, s.level_at, COALESCE(s.battery, d.battery) AS battery, s.last_refill_at
       FROM dispenser_states s LEFT JOIN devices d ON d.site_id = s.site_id AND d.id = s.dispenser_id
       WHERE ($1::text IS NULL OR s.site_id = $1)`,
      [siteId ?? null],
    );
    return rows.map(row);
  }

  async state(siteId: string, dispenserId: string): Promise<DispenserRow | undefined> {
    const [r] = await this.db.query<DispenserRow>('SELECT * FROM dispenser_states WHERE site_id = $1 AND dispenser_id = $2', [siteId, dispenserId]);
    return r && row(r);
  }

  /**
   * A level report, once per seq: its sample is kept for the rate; the current level moves only
   * when the report is not older (device time) than the one shown. False when already applied.
   */
  async applyLevel(input: LevelInput): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO dispenser_states (site_id, dispenser_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [input.siteId, input.dispenserId]);
      const claimed = await tx.query(
        `UPDATE dispenser_states SET last_seq = $3,
           level = CASE WHEN level_at IS NULL OR level_at <= $4 THEN $5 ELSE level END,
           battery = CASE WHEN level_at IS NULL OR level_at <= $4 THEN COALESCE($6, battery) ELSE battery END,
           level_at = CASE WHEN level_at IS NULL OR level_at <= $4 THEN $4 ELSE level_at END
         WHERE site_id = $1 AND dispenser_id = $2 AND last_seq < $3 RETURNING dispenser_id`,
        [input.siteId, input.dispenserId, input.seq, input.at, input.level, input.battery ?? null],
      );
      if (claimed.length === 0) return false;
      await tx.query('INSERT INTO dispenser_levels (site_id, dispenser_id, seq, at, level) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
        input.siteId,
        input.dispenserId,
        input.seq,
        input.at,
        input.level,
      ]);
      await tx.query('DELETE FROM dispenser_levels WHERE site_id = $1 AND dispenser_id = $2 AND at < $3', [
        input.siteId,
        input.dispenserId,
        new Date(input.at.getTime() - KEEP_SAMPLES_MS),
      ]);
      return true;
    });
  }

  /** A refill event, once per seq. False when already applied. */
  async applyRefill(siteId: string, dispenserId: string, seq: number, at: Date): Promise<boolean> {
    await this.db.query('INSERT INTO dispenser_states (site_id, dispenser_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [siteId, dispenserId]);
    const rows = await this.db.query(
      `UPDATE dispenser_states SET last_seq = $3, last_refill_at = GREATEST(last_refill_at, $4)
       WHERE site_id = $1 AND dispenser_id = $2 AND last_seq < $3 RETURNING dispenser_id`,
      [siteId, dispenserId, seq, at],
    );
    return rows.length > 0;
  }

  async samples(siteId: string, dispenserId: string, since: Date): Promise<LevelSample[]> {
    const rows = await this.db.query<{ at: Date; level: number }>(
      'SELECT at, level FROM dispenser_levels WHERE site_id = $1 AND dispenser_id = $2 AND at >= $3 ORDER BY at',
      [siteId, dispenserId, since],
    );
    return rows.map((r) => ({ at: new Date(r.at), level: Number(r.level) }));
  }
}

function row(r: DispenserRow): DispenserRow {
  return {
    ...r,
    last_seq: Number(r.last_seq),
    level: r.level === null ? null : Number(r.level),
    battery: r.battery === null ? null : Number(r.battery),
    level_at: r.level_at && new Date(r.level_at),
    last_refill_at: r.last_refill_at && new Date(r.last_refill_at),
  };
}
