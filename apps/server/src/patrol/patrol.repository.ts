import { Inject, Injectable } from '@nestjs/common';
import type { RoundDto } from '@estate-watch/contracts';
import { roundDueAt } from '@estate-watch/domain';
import { DATABASE, type Database, type Queryable } from '../db/database';

/** One checkpoint tap as ingest handed it over; `roundId` null when no round takes it. */
export interface TapRow {
  siteId: string;
  deviceId: string;
  msgId: string;
  seq: number;
  card: string;
  guardId: string | null;
  tappedAt: Date;
  receivedAt: Date;
  roundId: string | null;
}

/** The only place with patrol SQL. */
@Injectable()
export class PatrolRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** When this database first saw the site: recorded on the first call, kept ever after. */
  async monitoringSince(siteId: string, now: Date): Promise<Date> {
    await this.db.query('INSERT INTO patrol_monitoring (site_id, since) VALUES ($1, $2) ON CONFLICT (site_id) DO NOTHING', [siteId, now]);
    const [row] = await this.db.query<{ since: Date }>('SELECT since FROM patrol_monitoring WHERE site_id = $1', [siteId]);
    return new Date(row!.since);
  }

  async roundsOn(siteId: string, dates: readonly string[], routeId?: string): Promise<RoundDto[]> {
    const rows = await this.db.query<{ round: RoundDto }>(
      `SELECT round FROM patrol_rounds WHERE site_id = $1 AND local_date = ANY($2::date[]) AND ($3::text IS NULL OR route_id = $3)
       ORDER BY start, id`,
      [siteId, dates, routeId ?? null],
    );
    return rows.map((r) => r.round);
  }

  async find(id: string, q: Queryable = this.db): Promise<RoundDto | undefined> {
    const [row] = await q.query<{ round: RoundDto }>('SELECT round FROM patrol_rounds WHERE id = $1', [id]);
    return row?.round;
  }

  /** Rounds of these sites whose next window opens or closes at or before `now`. */
  async dueBy(now: Date, siteIds: readonly string[]): Promise<RoundDto[]> {
    const rows = await this.db.query<{ round: RoundDto }>('SELECT round FROM patrol_rounds WHERE due_at <= $1 AND site_id = ANY($2::text[]) ORDER BY due_at, id', [
      now,
      siteIds,
    ]);
    return rows.map((r) => r.round);
  }

  /** A new round; one already there (another instance planned it) is left alone. */
  async insert(round: RoundDto, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO patrol_rounds (id, site_id, route_id, local_date, start, window_start, window_end, status, compliance, due_at, round, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [round.id, round.siteId, round.routeId, round.localDate, round.start, round.windowStart, round.windowEnd, round.status, round.compliance, roundDueAt(round), JSON.stringify(round), now],
    );
    return rows.length > 0;
  }

  /** The site file's new plan for a round, only while it has not started (guarded here too). */
  async replacePlan(round: RoundDto, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE patrol_rounds SET start = $2, window_start = $3, window_end = $4, status = $5, compliance = $6, due_at = $7, round = $8, updated_at = $9
       WHERE id = $1 AND window_start > $9 AND status = 'scheduled' AND NOT EXISTS (SELECT 1 FROM patrol_taps WHERE round_id = $1)
       RETURNING id`,
      [round.id, round.start, round.windowStart, round.windowEnd, round.status, round.compliance, roundDueAt(round), JSON.stringify(round), now],
    );
    return rows.length > 0;
  }

  async removeUnstarted(id: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `DELETE FROM patrol_rounds WHERE id = $1 AND window_start > $2 AND status = 'scheduled' AND NOT EXISTS (SELECT 1 FROM patrol_taps WHERE round_id = $1)
       RETURNING id`,
      [id, now],
    );
    return rows.length > 0;
  }

  /**
   * Compare-and-set: writes `round` only if the stored round is still `previous`, so two servers
   * on one database never lose each other's visit or miss. False when it changed in between.
   */
  async save(round: RoundDto, previous: RoundDto, now: Date, q: Queryable = this.db): Promise<boolean> {
    const rows = await q.query(
      `UPDATE patrol_rounds SET status = $2, compliance = $3, due_at = $4, round = $5, updated_at = $6
       WHERE id = $1 AND round = $7::jsonb RETURNING id`,
      [round.id, round.status, round.compliance, roundDueAt(round), JSON.stringify(round), now, JSON.stringify(previous)],
    );
    return rows.length > 0;
  }

  /** Records a tap once; false when this message was seen before (a replay after a crash, a re-send). */
  async recordTap(tap: TapRow, q: Queryable = this.db): Promise<boolean> {
    const rows = await q.query(
      `INSERT INTO patrol_taps (site_id, device_id, msg_id, seq, card, guard_id, tapped_at, received_at, round_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING msg_id`,
      [tap.siteId, tap.deviceId, tap.msgId, tap.seq, tap.card, tap.guardId, tap.tappedAt, tap.receivedAt, tap.roundId],
    );
    return rows.length > 0;
  }

  /**
   * The tap and the round it changed, together or not at all: `seen` when this message was
   * recorded before, `conflict` when the round changed since it was read (nothing is written).
   */
  async saveVisit(tap: TapRow, round: RoundDto, previous: RoundDto, now: Date): Promise<'saved' | 'seen' | 'conflict'> {
    try {
      return await this.db.transaction(async (tx) => {
        if (!(await this.recordTap(tap, tx))) return 'seen' as const;
        if (!(await this.save(round, previous, now, tx))) throw new RoundChangedMeanwhile();
        return 'saved' as const;
      });
    } catch (error) {
      if (error instanceof RoundChangedMeanwhile) return 'conflict';
      throw error;
    }
  }
}

/** Rolls the tap's transaction back when its round changed under it. */
class RoundChangedMeanwhile extends Error {}
