import { Inject, Injectable } from '@nestjs/common';
import type { RoundDto } from '@estate-watch/contracts';
import { roundDueAt, type PatrolAlertEffect } from '@estate-watch/domain';
import { isoTime } from '../common/iso-time';
import { DATABASE, type Database, type Queryable } from '../db/database';
import { SitesService } from '../sites/sites.service';

/** The patrol handler's batches: one connection of their own (Database.session), warm for these statements. */
const BATCH_SESSION = 'handler:patrol';

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

/**
 * The only place with patrol SQL. A round is stored without its site's zone and read with the zone
 * of the site's file now (issue 10 point 2), so rounds stored before the field was added need no
 * rewrite and the compare-and-set in `save` compares what is stored.
 */
@Injectable()
export class PatrolRepository {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly sites: SitesService,
  ) {}

  /** The round with its revision (issue 10 point 5) and its site's zone. */
  private readonly revised = (r: RoundRow): RoundDto => ({ ...r.round, timezone: this.sites.timezoneOf(r.round.siteId), revision: Number(r.revision) });

  /** When this database first saw the site: recorded on the first call, kept ever after. */
  async monitoringSince(siteId: string, now: Date): Promise<Date> {
    await this.db.query('INSERT INTO patrol_monitoring (site_id, since) VALUES ($1, $2) ON CONFLICT (site_id) DO NOTHING', [siteId, now]);
    const [row] = await this.db.query<{ since: Date }>('SELECT since FROM patrol_monitoring WHERE site_id = $1', [siteId]);
    return new Date(row!.since);
  }

  async roundsOn(siteId: string, dates: readonly string[], routeId?: string): Promise<RoundDto[]> {
    const rows = await this.db.query<RoundRow>(
      `SELECT ${ROUND} FROM patrol_rounds WHERE site_id = $1 AND local_date = ANY($2::date[]) AND ($3::text IS NULL OR route_id = $3)
       ORDER BY start, id`,
      [siteId, dates, routeId ?? null],
    );
    return rows.map(this.revised);
  }

  /** Rounds that started in [from, to), by start (the CSV export). */
  async roundsBetween(siteId: string, from: Date, to: Date, routeId?: string): Promise<RoundDto[]> {
    const rows = await this.db.query<RoundRow>(
      `SELECT ${ROUND} FROM patrol_rounds WHERE site_id = $1 AND start >= $2 AND start < $3 AND ($4::text IS NULL OR route_id = $4)
       ORDER BY start, id`,
      [siteId, from, to, routeId ?? null],
    );
    return rows.map(this.revised);
  }

  async find(id: string, q: Queryable = this.db): Promise<RoundDto | undefined> {
    const [row] = await q.query<RoundRow>(`SELECT ${ROUND} FROM patrol_rounds WHERE id = $1`, [id]);
    return row && this.revised(row);
  }

  /** Rounds by id as stored now, with their revisions (the live `patrol` event after a batch of taps). */
  async byIds(ids: readonly string[]): Promise<RoundDto[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<RoundRow>(`SELECT ${ROUND} FROM patrol_rounds WHERE id = ANY($1::text[]) ORDER BY start, id`, [ids]);
    return rows.map(this.revised);
  }

  /** Rounds of these sites whose next window opens or closes at or before `now`. */
  async dueBy(now: Date, siteIds: readonly string[]): Promise<RoundDto[]> {
    const rows = await this.db.query<RoundRow>(`SELECT ${ROUND} FROM patrol_rounds WHERE due_at <= $1 AND site_id = ANY($2::text[]) ORDER BY due_at, id`, [
      now,
      siteIds,
    ]);
    return rows.map(this.revised);
  }

  /** The earliest due_at of the sites' rounds (roundDueAt), or null when none is due ever. */
  async nextDueAt(siteIds: readonly string[]): Promise<Date | null> {
    const [row] = await this.db.query<{ due: Date | null }>('SELECT min(due_at) AS due FROM patrol_rounds WHERE site_id = ANY($1::text[])', [siteIds]);
    return row?.due ? new Date(row.due) : null;
  }

  /** A new round; one already there (another instance planned it) is left alone. */
  async insert(round: RoundDto, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO patrol_rounds (id, site_id, route_id, local_date, start, window_start, window_end, status, compliance, due_at, round, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [round.id, round.siteId, round.routeId, round.localDate, round.start, round.windowStart, round.windowEnd, round.status, round.compliance, roundDueAt(round), stored(round), now],
    );
    return rows.length > 0;
  }

  /** The site file's new plan for a round, only while it has not started (guarded here too). */
  async replacePlan(round: RoundDto, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE patrol_rounds SET start = $2, window_start = $3, window_end = $4, status = $5, compliance = $6, due_at = $7, round = $8, updated_at = $9,
         revision = nextval('patrol_round_revisions')
       WHERE id = $1 AND window_start > $9 AND status = 'scheduled' AND NOT EXISTS (SELECT 1 FROM patrol_taps WHERE round_id = $1)
       RETURNING id`,
      [round.id, round.start, round.windowStart, round.windowEnd, round.status, round.compliance, roundDueAt(round), stored(round), now],
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
   * on one database never lose each other's visit or miss. The round as saved, with its new
   * revision; undefined when it changed in between.
   */
  async save(round: RoundDto, previous: RoundDto, now: Date, q: Queryable = this.db): Promise<RoundDto | undefined> {
    const [row] = await q.query<{ revision: string }>(
      `UPDATE patrol_rounds SET status = $2, compliance = $3, due_at = $4, round = $5, updated_at = $6, revision = nextval('patrol_round_revisions')
       WHERE id = $1 AND round = $7::jsonb RETURNING revision`,
      [round.id, round.status, round.compliance, roundDueAt(round), stored(round), now, stored(previous)],
    );
    return row && { ...round, revision: Number(row.revision) };
  }

  /**
   * Taps of one site in one transaction, whatever their number: the site's rounds of `dates`
   * locked (a sweep or another server waits, then finds the round changed), which of the taps
   * were recorded before (a replay) with their effects still to follow, then `judge` places the
   * taps in memory in seq order; its taps are inserted and each changed round saved once, with one
   * statement. Two statements between BEGIN and COMMIT whatever the number of taps.
   */
  async applyTaps<T extends TapsJudged>(siteId: string, dates: readonly string[], taps: readonly TapKey[], judge: (rounds: RoundDto[], seen: ReadonlyMap<string, SeenTap>) => T, now: Date): Promise<T> {
    return this.db.session(BATCH_SESSION).transaction(async (tx) => {
      // One read: the rounds locked (in start order), and the taps recorded before, as JSON. Each
      // tap is looked up by its key (LATERAL … OFFSET 0 keeps the lookup per key): as a join, a
      // burst that grew patrol_taps faster than its statistics got a hash join over every tap of
      // the site, each batch (bench: 45 ms a batch at 160,000 taps, the patrol pipeline's half).
      const [read] = await tx.query<{ rounds: RoundRow[] | null; seen: { device_id: string; msg_id: string; round_id: string | null; pending_effects: TapEffect[] | null }[] | null }>(
        `WITH locked AS MATERIALIZED (
           SELECT ${ROUND}, start, id FROM patrol_rounds WHERE site_id = $1 AND local_date = ANY($2::date[]) ORDER BY start, id FOR UPDATE
         )
         SELECT (SELECT json_agg(json_build_object('round', round, 'revision', revision) ORDER BY start, id) FROM locked) AS rounds,
                (SELECT json_agg(json_build_object('device_id', t.device_id, 'msg_id', t.msg_id, 'round_id', t.round_id, 'pending_effects', t.pending_effects))
                 FROM unnest($3::text[], $4::text[]) AS k(device_id, msg_id)
                 CROSS JOIN LATERAL (
                   SELECT device_id, msg_id, round_id, pending_effects FROM patrol_taps
                   WHERE site_id = $1 AND device_id = k.device_id AND msg_id = k.msg_id OFFSET 0
                 ) t) AS seen`,
        [siteId, dates, taps.map((t) => t.deviceId), taps.map((t) => t.msgId)],
      );
      const rounds = (read?.rounds ?? []).map(this.revised);
      const seen = new Map((read?.seen ?? []).map((r) => [tapKey(r.device_id, r.msg_id), { roundId: r.round_id, pendingEffects: r.pending_effects }]));
      const judged = judge(rounds, seen);
      await writeTaps(tx, judged.taps, judged.rounds, now);
      return judged;
    });
  }

  /** The taps' effects followed: nothing is left for a replay to do. */
  async effectsFollowed(siteId: string, taps: readonly TapKey[]): Promise<void> {
    if (taps.length === 0) return;
    await this.db.query(
      `UPDATE patrol_taps t SET pending_effects = NULL FROM unnest($2::text[], $3::text[]) AS k(device_id, msg_id)
       WHERE t.site_id = $1 AND t.device_id = k.device_id AND t.msg_id = k.msg_id AND t.pending_effects IS NOT NULL`,
      [siteId, taps.map((t) => t.deviceId), taps.map((t) => t.msgId)],
    );
  }
}

/** A tap's alert effects: a round's (raise late, clear missed, …) or the unknown card's. */
export type TapEffect = PatrolAlertEffect | { action: 'raise'; type: 'patrol.unknown_card'; checkpointId: string };

/** A tap recorded before: its round and the effects a crash left to follow (null: none). */
export interface SeenTap {
  roundId: string | null;
  pendingEffects: TapEffect[] | null;
}

export interface TapKey {
  deviceId: string;
  msgId: string;
}

export const tapKey = (deviceId: string, msgId: string) => `${deviceId}\u0000${msgId}`;

/** What a judge hands back to be written: fresh taps (with the effects still to follow) and changed rounds. */
export interface TapsJudged {
  taps: (TapRow & { effects: TapEffect[] })[];
  rounds: RoundDto[];
}

/**
 * The fresh taps inserted and each changed round saved, in one statement. The rounds were read
 * under FOR UPDATE in this transaction: no compare-and-set needed.
 */
async function writeTaps(tx: Queryable, taps: TapsJudged['taps'], rounds: readonly RoundDto[], now: Date): Promise<void> {
  if (taps.length === 0 && rounds.length === 0) return;
  await tx.query(
    `WITH taps AS (
       INSERT INTO patrol_taps (site_id, device_id, msg_id, seq, card, guard_id, tapped_at, received_at, round_id, pending_effects)
       SELECT site_id, device_id, msg_id, seq, card, guard_id, tapped_at, received_at, round_id, pending_effects::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::text[], $10::text[])
            AS u(site_id, device_id, msg_id, seq, card, guard_id, tapped_at, received_at, round_id, pending_effects)
       ON CONFLICT DO NOTHING
     )
     UPDATE patrol_rounds AS r SET status = u.status, compliance = u.compliance, due_at = u.due_at, round = u.round::jsonb, updated_at = $16,
       revision = nextval('patrol_round_revisions')
     FROM unnest($11::text[], $12::text[], $13::float8[], $14::timestamptz[], $15::text[]) AS u(id, status, compliance, due_at, round)
     WHERE r.id = u.id`,
    [
      taps.map((t) => t.siteId),
      taps.map((t) => t.deviceId),
      taps.map((t) => t.msgId),
      taps.map((t) => t.seq),
      taps.map((t) => t.card),
      taps.map((t) => t.guardId),
      taps.map((t) => isoTime(t.tappedAt)),
      taps.map((t) => isoTime(t.receivedAt)),
      taps.map((t) => t.roundId),
      taps.map((t) => (t.effects.length > 0 ? JSON.stringify(t.effects) : null)),
      rounds.map((r) => r.id),
      rounds.map((r) => r.status),
      rounds.map((r) => r.compliance),
      rounds.map((r) => roundDueAt(r)?.toISOString() ?? null),
      rounds.map(stored),
      now,
    ],
  );
}

/**
 * The round as the jsonb column holds it: without its revision, which is a column of its own (the
 * compare-and-set in `save` compares the jsonb, and a round read with one revision is saved with the
 * next), nor its zone, which is the site file's (read back by `revised`).
 */
function stored(round: RoundDto): string {
  return JSON.stringify({ ...round, timezone: undefined, revision: undefined });
}

/** The round with its revision (issue 10 point 5): the jsonb and the column, read together. */
const ROUND = 'round, revision';
type RoundRow = { round: RoundDto; revision: string | number };

