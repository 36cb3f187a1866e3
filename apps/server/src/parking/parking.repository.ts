import { Inject, Injectable } from '@nestjs/common';
import type { LotCountFlag } from '@estate-watch/contracts';
import { DATABASE, type Database, type Queryable } from '../db/database';
import { judgeGateBatch, type ClampRecord, type GateInput, type GateOutcome, type LotState, type NextFull } from './gate-batch';

/** The parking handler's batches: one connection of their own (Database.session), warm for these statements. */
const BATCH_SESSION = 'handler:parking';

export type Barrier = 'open' | 'closed' | 'fault';

export interface GateRow {
  site_id: string;
  gate_id: string;
  last_seq: number;
  barrier: Barrier | null;
  fault: string | null;
  barrier_since: Date | null;
  barrier_at: Date | null;
  stuck_raised: boolean;
  last_pass_at: Date | null;
  last_pass: { direction: 'in' | 'out'; plate?: string; credential?: string } | null;
}

export interface LotRow {
  site_id: string;
  lot_id: string;
  occupancy: number;
  is_full: boolean;
  over_capacity_since: Date | null;
  last_reconciled_day: string | null;
  last_reconciled_at: Date | null;
  last_flags: LotCountFlag[];
}

export interface PassInput {
  siteId: string;
  gateId: string;
  lotId: string;
  capacity: number;
  seq: number;
  at: Date;
  /** Undefined for a `denied` event: it moves the seq but no car. */
  pass?: { direction: 'in' | 'out'; plate?: string; credential?: string };
}

export interface PassApplied {
  occupancy: number;
  wasFull: boolean;
  full: boolean;
  clamped: boolean;
}

export interface BarrierInput {
  siteId: string;
  gateId: string;
  seq: number;
  at: Date;
  barrier: Barrier;
  fault: string | null;
  /** The gate's stuckOpenSec (site config): an opening this report ends may owe its gate.stuck_open. */
  stuckOpenSec: number;
}

/** The only place with parking SQL (lots, gates, count anomalies). */
@Injectable()
export class ParkingRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async gate(siteId: string, gateId: string): Promise<GateRow | undefined> {
    const [row] = await this.db.query<GateRow>('SELECT * FROM parking_gates WHERE site_id = $1 AND gate_id = $2', [siteId, gateId]);
    return row && gateRow(row);
  }

  async gates(siteId?: string): Promise<GateRow[]> {
    const rows = siteId
      ? await this.db.query<GateRow>('SELECT * FROM parking_gates WHERE site_id = $1', [siteId])
      : await this.db.query<GateRow>('SELECT * FROM parking_gates');
    return rows.map(gateRow);
  }

  async lot(siteId: string, lotId: string): Promise<LotRow | undefined> {
    const [row] = await this.db.query<LotRow>('SELECT * FROM parking_lots WHERE site_id = $1 AND lot_id = $2', [siteId, lotId]);
    return row;
  }

  async lots(): Promise<LotRow[]> {
    return this.db.query<LotRow>('SELECT * FROM parking_lots');
  }

  /** One gate event (see applyBatch); undefined when this seq was already applied. */
  async applyGateEvent(input: PassInput, nextFull: (occupancy: number, wasFull: boolean) => boolean): Promise<PassApplied | undefined> {
    const [outcome] = await this.applyBatch([{ type: 'pass', ...input }], (_, occupancy, wasFull) => nextFull(occupancy, wasFull));
    return outcome?.applied && outcome.type === 'pass' ? outcome.result : undefined;
  }

  /**
   * Gate messages in seq order, in one transaction and a fixed number of statements whatever
   * their number: lock the gates' and lots' rows (gates then lots, each sorted, so concurrent
   * batches cannot deadlock), judge each message against the state the one before left
   * (gate-batch.ts), then write each changed gate and lot once, and the clamp records together.
   * A lot's count moves from the locked row, so two gates of one lot never overwrite each other.
   *
   * Between BEGIN and COMMIT: one read that locks the gates, one the lots (each inserted first only
   * the first time it is seen), and one statement that writes them and the clamps.
   *
   * A message at or below its gate's last_seq was applied before (a replay after a crash): it
   * changes nothing and comes back `applied: false`. A transaction holds either replays only or
   * fresh messages only (the caller re-asserts alerts after replays, follows changes after fresh
   * ones). `stopAfter` ends it after a fresh message whose change calls for an alert, so that
   * change is never committed together with a later one (a raise and its clear in one commit,
   * then a crash, would leave no state to raise from). Answers for a prefix of `inputs`.
   * `within` runs last in the transaction with the outcomes of that prefix, for what must commit
   * together with the state (an alert no later report could raise again).
   */
  async applyBatch(
    inputs: readonly GateInput[],
    nextFull: NextFull,
    stopAfter: (input: GateInput, outcome: GateOutcome) => boolean = () => false,
    within: (tx: Queryable, outcomes: readonly GateOutcome[]) => Promise<void> = async () => undefined,
  ): Promise<GateOutcome[]> {
    if (inputs.length === 0) return [];
    return this.db.session(BATCH_SESSION).transaction(async (tx) => {
      const gateKeys = sortedKeys(inputs.map((i) => [i.siteId, i.gateId]));
      const lotKeys = sortedKeys(inputs.flatMap((i) => (i.type === 'pass' ? [[i.siteId, i.lotId] as const] : [])));
      const gates = new Map((await lockRows<GateRow>(tx, 'parking_gates', 'gate_id', 'r.*', gateKeys)).map((r) => [pairKey(r.site_id, r.gate_id), gateRow(r)]));
      const lots = new Map<string, LotState>();
      const lotColumns = 'r.site_id, r.lot_id, r.occupancy, r.is_full, r.over_capacity_since, r.updated_at';
      for (const r of await lockRows<LotState>(tx, 'parking_lots', 'lot_id', lotColumns, lotKeys)) {
        lots.set(pairKey(r.site_id, r.lot_id), { ...r, over_capacity_since: date(r.over_capacity_since), updated_at: date(r.updated_at) });
      }
      const judged = judgeGateBatch(inputs, gates, lots, nextFull, stopAfter);
      await writeChanges(tx, judged.gates, judged.lots, judged.clamps);
      await within(tx, judged.outcomes);
      return judged.outcomes;
    });
  }

  /** Open barriers not yet reported stuck. */
  async openGates(): Promise<GateRow[]> {
    const rows = await this.db.query<GateRow>("SELECT * FROM parking_gates WHERE barrier = 'open' AND NOT stuck_raised");
    return rows.map(gateRow);
  }

  /**
   * Marks the barrier stuck and runs `raise` in the same transaction, only if it is still open
   * since the same moment and not marked yet; undefined otherwise. The row's lock orders it with
   * the gate handler: a closing applied first leaves nothing to mark (no alert for a closed
   * barrier), a closing applied after finds it marked and clears the alert.
   */
  async markStuck<T>(g: GateRow, raise: (tx: Queryable) => Promise<T>): Promise<T | undefined> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query(
        `UPDATE parking_gates SET stuck_raised = true
         WHERE site_id = $1 AND gate_id = $2 AND barrier = 'open' AND barrier_since = $3 AND NOT stuck_raised RETURNING gate_id`,
        [g.site_id, g.gate_id, g.barrier_since],
      );
      return rows.length > 0 ? raise(tx) : undefined;
    });
  }

  /** Negative clamps in (from, to] per lot (`site\u0000lot`), of one site or all, in one read. */
  async clampCounts(from: Date, to: Date, siteId?: string): Promise<Map<string, number>> {
    const rows = await this.db.query<{ site_id: string; lot_id: string; n: number }>(
      `SELECT site_id, lot_id, count(*)::int AS n FROM parking_anomalies
       WHERE kind = 'negative_clamp' AND at > $1 AND at <= $2 AND ($3::text IS NULL OR site_id = $3)
       GROUP BY site_id, lot_id`,
      [from, to, siteId ?? null],
    );
    return new Map(rows.map((row) => [`${row.site_id}\u0000${row.lot_id}`, Number(row.n)]));
  }

  async countClamps(siteId: string, lotId: string, from: Date, to: Date): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM parking_anomalies WHERE site_id = $1 AND lot_id = $2 AND kind = 'negative_clamp' AND at > $3 AND at <= $4",
      [siteId, lotId, from, to],
    );
    return row?.n ?? 0;
  }

  async recordReconciliation(siteId: string, lotId: string, day: string, at: Date, flags: LotCountFlag[], details: Record<string, unknown>): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO parking_lots (site_id, lot_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [siteId, lotId]);
      await tx.query('UPDATE parking_lots SET last_reconciled_day = $3, last_reconciled_at = $4, last_flags = $5 WHERE site_id = $1 AND lot_id = $2', [
        siteId,
        lotId,
        day,
        at,
        JSON.stringify(flags),
      ]);
      if (flags.length > 0) {
        await tx.query("INSERT INTO parking_anomalies (site_id, lot_id, kind, at, details) VALUES ($1, $2, 'implausible_count', $3, $4)", [
          siteId,
          lotId,
          at,
          JSON.stringify({ day, flags, ...details }),
        ]);
      }
    });
  }
}

const pairKey = (a: string, b: string) => `${a}\u0000${b}`;

function sortedKeys(pairs: readonly (readonly [string, string])[]): [string, string][] {
  return [...new Map(pairs.map(([a, b]) => [pairKey(a, b), [a, b] as [string, string]])).entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, p]) => p);
}

function keyColumns(pairs: readonly [string, string][]): [string[], string[]] {
  return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Locks the rows of `keys` (sorted) and reads them: a row is inserted only the first time its key
 * is seen (then read again), so a batch takes one statement here, not an insert and a read.
 */
async function lockRows<R>(tx: Queryable, table: 'parking_gates' | 'parking_lots', idColumn: 'gate_id' | 'lot_id', columns: string, keys: readonly [string, string][]): Promise<R[]> {
  if (keys.length === 0) return [];
  const params = keyColumns(keys);
  const lock = () =>
    tx.query<R>(
      `SELECT ${columns} FROM ${table} r JOIN unnest($1::text[], $2::text[]) AS k(site_id, ${idColumn}) USING (site_id, ${idColumn})
       ORDER BY r.site_id, r.${idColumn} FOR UPDATE OF r`,
      params,
    );
  const rows = await lock();
  if (rows.length === keys.length) return rows;
  await tx.query(`INSERT INTO ${table} (site_id, ${idColumn}) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`, params);
  return lock();
}

/** Each changed gate and lot once, and the clamp records (once per seq: a replayed clamp finds its row, unique on seq and kind, and adds none), in one statement. */
async function writeChanges(tx: Queryable, gates: readonly GateRow[], lots: readonly LotState[], clamps: readonly ClampRecord[]): Promise<void> {
  if (gates.length === 0 && lots.length === 0 && clamps.length === 0) return;
  await tx.query(
    `WITH gates AS (
       UPDATE parking_gates AS g SET last_seq = u.last_seq, barrier = u.barrier, fault = u.fault, barrier_since = u.barrier_since,
         barrier_at = u.barrier_at, stuck_raised = u.stuck_raised, last_pass_at = u.last_pass_at, last_pass = u.last_pass::jsonb
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::boolean[], $9::timestamptz[], $10::text[])
            AS u(site_id, gate_id, last_seq, barrier, fault, barrier_since, barrier_at, stuck_raised, last_pass_at, last_pass)
       WHERE g.site_id = u.site_id AND g.gate_id = u.gate_id
     ),
     lots AS (
       UPDATE parking_lots AS l SET occupancy = u.occupancy, is_full = u.is_full, updated_at = u.updated_at, over_capacity_since = u.over_capacity_since
       FROM unnest($11::text[], $12::text[], $13::int[], $14::boolean[], $15::timestamptz[], $16::timestamptz[]) AS u(site_id, lot_id, occupancy, is_full, updated_at, over_capacity_since)
       WHERE l.site_id = u.site_id AND l.lot_id = u.lot_id
     )
     INSERT INTO parking_anomalies (site_id, lot_id, gate_id, kind, at, seq, details)
     SELECT site_id, lot_id, gate_id, 'negative_clamp', at, seq, details::jsonb
     FROM unnest($17::text[], $18::text[], $19::text[], $20::timestamptz[], $21::bigint[], $22::text[]) AS u(site_id, lot_id, gate_id, at, seq, details)
     ON CONFLICT DO NOTHING`,
    [
      gates.map((r) => r.site_id),
      gates.map((r) => r.gate_id),
      gates.map((r) => r.last_seq),
      gates.map((r) => r.barrier),
      gates.map((r) => r.fault),
      gates.map((r) => iso(r.barrier_since)),
      gates.map((r) => iso(r.barrier_at)),
      gates.map((r) => r.stuck_raised),
      gates.map((r) => iso(r.last_pass_at)),
      gates.map((r) => (r.last_pass ? JSON.stringify(r.last_pass) : null)),
      lots.map((r) => r.site_id),
      lots.map((r) => r.lot_id),
      lots.map((r) => r.occupancy),
      lots.map((r) => r.is_full),
      lots.map((r) => iso(r.updated_at)),
      lots.map((r) => iso(r.over_capacity_since)),
      clamps.map((c) => c.siteId),
      clamps.map((c) => c.lotId),
      clamps.map((c) => c.gateId),
      clamps.map((c) => c.at.toISOString()),
      clamps.map((c) => c.seq),
      clamps.map((c) => JSON.stringify({ plate: c.plate ?? null })),
    ],
  );
}

function gateRow(r: GateRow): GateRow {
  return { ...r, last_seq: Number(r.last_seq), barrier_since: date(r.barrier_since), barrier_at: date(r.barrier_at), last_pass_at: date(r.last_pass_at) };
}

function date(d: Date | string | null): Date | null {
  return d === null ? null : new Date(d);
}
