import { Inject, Injectable } from '@nestjs/common';
import type { LevelSample } from '@estate-watch/domain';
import { isoTime } from '../common/iso-time';
import { DATABASE, type Database, type Queryable } from '../db/database';

/** The consumables handler's batches: one connection of their own (Database.session), warm for these statements. */
const BATCH_SESSION = 'handler:consumables';

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

  /** Every dispenser's state, of one site, or of one dispenser. */
  async states(siteId?: string, dispenserId?: string): Promise<DispenserRow[]> {
    // A dispenser may report its battery only in `status` (CONTRACT §1): the device row has it then.
    const rows = await this.db.query<DispenserRow>(
      `SELECT s.site_id, s.dispenser_id, s.last_seq, s.level, s.level_at, COALESCE(s.battery, d.battery) AS battery, s.last_refill_at
       FROM dispenser_states s LEFT JOIN devices d ON d.site_id = s.site_id AND d.id = s.dispenser_id
       WHERE ($1::text IS NULL OR s.site_id = $1) AND ($2::text IS NULL OR s.dispenser_id = $2)`,
      [siteId ?? null, dispenserId ?? null],
    );
    return rows.map(row);
  }

  /**
   * Dispenser messages in seq order, in one transaction and a fixed number of statements whatever
   * their number: lock the dispensers' rows (sorted), judge each message against what the one
   * before left, write each dispenser once, insert the level samples together (kept for the
   * rate), prune each dispenser's samples older than a week once. A level moves the shown level
   * only when it is not older (device time) than the one shown; a refill moves last_refill_at.
   * A message at or below the dispenser's last_seq was applied before (a replay): `applied: false`.
   * Between BEGIN and COMMIT two statements (three the first time a dispenser reports): the read that locks, the write.
   * A transaction holds replays only or fresh messages only; `stopAfter` ends it after a fresh one
   * whose alerts must follow before the next is committed. Answers for a prefix of `inputs`.
   */
  async applyBatch(inputs: readonly DispenserInput[], stopAfter: (input: DispenserInput, outcome: DispenserOutcome) => boolean = () => false): Promise<DispenserOutcome[]> {
    if (inputs.length === 0) return [];
    return this.db.session(BATCH_SESSION).transaction(async (tx) => {
      const keys = [...new Map(inputs.map((i) => [key(i.siteId, i.dispenserId), [i.siteId, i.dispenserId] as const])).entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, k]) => k);
      const params = [keys.map((k) => k[0]), keys.map((k) => k[1])];
      const lock = () =>
        tx.query<DispenserRow>(
          `SELECT s.* FROM dispenser_states s JOIN unnest($1::text[], $2::text[]) AS k(site_id, dispenser_id) USING (site_id, dispenser_id)
           ORDER BY s.site_id, s.dispenser_id FOR UPDATE OF s`,
          params,
        );
      let rows = await lock();
      if (rows.length < keys.length) {
        // A dispenser's first message: its row, then the read again.
        await tx.query('INSERT INTO dispenser_states (site_id, dispenser_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', params);
        rows = await lock();
      }
      const states = new Map(rows.map((r) => [key(r.site_id, r.dispenser_id), row(r)]));
      const changed = new Map<string, DispenserRow>();
      const samples: LevelInput[] = [];
      const outcomes: DispenserOutcome[] = [];
      for (const input of inputs) {
        const st = states.get(key(input.siteId, input.dispenserId))!;
        const fresh = input.seq > st.last_seq;
        if (outcomes.length > 0 && fresh !== outcomes[0]!.applied) break;
        const levelBefore = st.level;
        if (fresh) {
          applyOne(input, st);
          changed.set(key(input.siteId, input.dispenserId), st);
          if (input.type === 'level') samples.push(input);
        }
        const outcome: DispenserOutcome = { applied: fresh, levelBefore, level: st.level };
        outcomes.push(outcome);
        if (fresh && stopAfter(input, outcome)) break;
      }
      await writeChanges(tx, [...changed.values()], samples);
      return outcomes;
    });
  }

  /**
   * The samples of several dispensers stored after a seq and not older than an instant, each its
   * own, in one read: keyed by site and dispenser, in time order. The primary key (site, dispenser,
   * seq) finds them; the service keeps what it read before (ConsumablesService.ratesOf).
   */
  async samplesAfter(wanted: readonly { siteId: string; dispenserId: string; afterSeq: number; since: Date }[]): Promise<Map<string, StoredSample[]>> {
    const out = new Map<string, StoredSample[]>();
    if (wanted.length === 0) return out;
    const rows = await this.db.query<{ site_id: string; dispenser_id: string; seq: number; at: Date; level: number }>(
      // Per dispenser on the primary key by seq, the window's bound applied to what that finds: on
      // (site, dispenser, at) the planner would walk the whole day's samples to keep the few new ones.
      `SELECT u.site_id, u.dispenser_id, l.seq, l.at, l.level
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[]) AS u(site_id, dispenser_id, after_seq, since)
       CROSS JOIN LATERAL (
         SELECT seq, at, level FROM dispenser_levels
         WHERE site_id = u.site_id AND dispenser_id = u.dispenser_id AND seq > u.after_seq
         ORDER BY seq
       ) l
       WHERE l.at >= u.since
       ORDER BY l.at, l.seq`,
      [wanted.map((w) => w.siteId), wanted.map((w) => w.dispenserId), wanted.map((w) => w.afterSeq), wanted.map((w) => w.since.toISOString())],
    );
    for (const r of rows) {
      const k = key(r.site_id, r.dispenser_id);
      const list = out.get(k) ?? [];
      list.push({ seq: Number(r.seq), at: new Date(r.at), level: Number(r.level) });
      out.set(k, list);
    }
    return out;
  }
}

export interface StoredSample extends LevelSample {
  seq: number;
}

export type DispenserInput = ({ type: 'level' } & LevelInput) | { type: 'refill'; siteId: string; dispenserId: string; seq: number; at: Date };

/** The shown level before and after the message (null until a first report). */
export interface DispenserOutcome {
  applied: boolean;
  levelBefore: number | null;
  level: number | null;
}

/** A dispenser's key in the maps this repository answers with. */
export const dispenserKey = (siteId: string, dispenserId: string) => `${siteId}\u0000${dispenserId}`;
const key = dispenserKey;

function applyOne(input: DispenserInput, st: DispenserRow): void {
  st.last_seq = input.seq;
  if (input.type === 'refill') {
    if (!st.last_refill_at || st.last_refill_at.getTime() < input.at.getTime()) st.last_refill_at = input.at;
    return;
  }
  if (st.level_at && st.level_at.getTime() > input.at.getTime()) return;
  st.level = input.level;
  st.level_at = input.at;
  st.battery = input.battery ?? st.battery;
}

/**
 * In one statement: each changed dispenser once, the level samples together (once per seq), and
 * each sampled dispenser's samples older than a week before its newest pruned once.
 */
async function writeChanges(tx: Queryable, rows: readonly DispenserRow[], samples: readonly LevelInput[]): Promise<void> {
  if (rows.length === 0 && samples.length === 0) return;
  const newest = new Map<string, LevelInput>();
  for (const s of samples) {
    const k = key(s.siteId, s.dispenserId);
    if (!newest.has(k) || newest.get(k)!.at.getTime() < s.at.getTime()) newest.set(k, s);
  }
  const prune = [...newest.values()];
  await tx.query(
    `WITH states AS (
       UPDATE dispenser_states AS s SET last_seq = u.last_seq, level = u.level, level_at = u.level_at, battery = u.battery, last_refill_at = u.last_refill_at
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::real[], $5::timestamptz[], $6::real[], $7::timestamptz[])
            AS u(site_id, dispenser_id, last_seq, level, level_at, battery, last_refill_at)
       WHERE s.site_id = u.site_id AND s.dispenser_id = u.dispenser_id
     ),
     samples AS (
       INSERT INTO dispenser_levels (site_id, dispenser_id, seq, at, level)
       SELECT * FROM unnest($8::text[], $9::text[], $10::bigint[], $11::timestamptz[], $12::real[]) ON CONFLICT DO NOTHING
     )
     DELETE FROM dispenser_levels AS l USING unnest($13::text[], $14::text[], $15::timestamptz[]) AS u(site_id, dispenser_id, before)
     WHERE l.site_id = u.site_id AND l.dispenser_id = u.dispenser_id AND l.at < u.before`,
    [
      rows.map((r) => r.site_id),
      rows.map((r) => r.dispenser_id),
      rows.map((r) => r.last_seq),
      rows.map((r) => r.level),
      rows.map((r) => r.level_at?.toISOString() ?? null),
      rows.map((r) => r.battery),
      rows.map((r) => r.last_refill_at?.toISOString() ?? null),
      samples.map((s) => s.siteId),
      samples.map((s) => s.dispenserId),
      samples.map((s) => s.seq),
      samples.map((s) => isoTime(s.at)),
      samples.map((s) => s.level),
      prune.map((s) => s.siteId),
      prune.map((s) => s.dispenserId),
      prune.map((s) => new Date(s.at.getTime() - KEEP_SAMPLES_MS).toISOString()),
    ],
  );
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
