import { Inject, Injectable } from '@nestjs/common';
import type { LotCountFlag } from '@estate-watch/contracts';
import { DATABASE, type Database } from '../db/database';

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

  /**
   * One gate event, once: the gate's last_seq guards against a replay after a crash, and the lot's
   * count moves relative to what is stored (two gates of one lot never overwrite each other).
   * `nextFull` is the pure parking.full rule. Undefined when this seq was already applied.
   */
  async applyGateEvent(input: PassInput, nextFull: (occupancy: number, wasFull: boolean) => boolean): Promise<PassApplied | undefined> {
    return this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO parking_gates (site_id, gate_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [input.siteId, input.gateId]);
      const claimed = await tx.query(
        // The last pass shown is the newest by device time: a buffered older pass counts but does not replace it.
        `UPDATE parking_gates SET last_seq = $3,
           last_pass = CASE WHEN $4::jsonb IS NULL OR last_pass_at > $5 THEN last_pass ELSE $4::jsonb END,
           last_pass_at = CASE WHEN $4::jsonb IS NULL OR last_pass_at > $5 THEN last_pass_at ELSE $5 END
         WHERE site_id = $1 AND gate_id = $2 AND last_seq < $3 RETURNING gate_id`,
        [input.siteId, input.gateId, input.seq, input.pass ? JSON.stringify(input.pass) : null, input.at],
      );
      if (claimed.length === 0) return undefined;
      await tx.query('INSERT INTO parking_lots (site_id, lot_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [input.siteId, input.lotId]);
      const [before] = await tx.query<{ occupancy: number; is_full: boolean }>(
        'SELECT occupancy, is_full FROM parking_lots WHERE site_id = $1 AND lot_id = $2 FOR UPDATE',
        [input.siteId, input.lotId],
      );
      const prev = before!;
      if (!input.pass) return { occupancy: prev.occupancy, wasFull: prev.is_full, full: prev.is_full, clamped: false };
      const raw = prev.occupancy + (input.pass.direction === 'in' ? 1 : -1);
      const occupancy = Math.max(0, raw);
      const full = nextFull(occupancy, prev.is_full);
      await tx.query(
        `UPDATE parking_lots SET occupancy = $3, is_full = $4, updated_at = $5,
           over_capacity_since = CASE WHEN $3::int > $6::int THEN COALESCE(over_capacity_since, $5) ELSE NULL END
         WHERE site_id = $1 AND lot_id = $2`,
        [input.siteId, input.lotId, occupancy, full, input.at, input.capacity],
      );
      const clamped = raw < 0;
      if (clamped) {
        await tx.query(
          `INSERT INTO parking_anomalies (site_id, lot_id, gate_id, kind, at, seq, details) VALUES ($1, $2, $3, 'negative_clamp', $4, $5, $6)
           ON CONFLICT DO NOTHING`,
          [input.siteId, input.lotId, input.gateId, input.at, input.seq, JSON.stringify({ plate: input.pass.plate ?? null })],
        );
      }
      return { occupancy, wasFull: prev.is_full, full, clamped };
    });
  }

  /**
   * A barrier report, once per seq. A report older (device time) than the last one applied moves
   * only the seq. `since` restarts only when the state (or fault code) changes: heartbeats repeat it.
   * Returns the gate before and after, or undefined when this seq was already applied.
   */
  async applyBarrier(input: BarrierInput): Promise<{ before: GateRow; after: GateRow } | undefined> {
    return this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO parking_gates (site_id, gate_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [input.siteId, input.gateId]);
      const [row] = await tx.query<GateRow>('SELECT * FROM parking_gates WHERE site_id = $1 AND gate_id = $2 FOR UPDATE', [input.siteId, input.gateId]);
      const before = gateRow(row!);
      if (before.last_seq >= input.seq) return undefined;
      const stale = before.barrier_at !== null && before.barrier_at.getTime() > input.at.getTime();
      const changed = !stale && (before.barrier !== input.barrier || before.fault !== input.fault);
      const after: GateRow = stale
        ? { ...before, last_seq: input.seq }
        : {
            ...before,
            last_seq: input.seq,
            barrier: input.barrier,
            fault: input.fault,
            barrier_at: input.at,
            barrier_since: changed ? input.at : before.barrier_since,
            stuck_raised: changed ? false : before.stuck_raised,
          };
      await tx.query(
        `UPDATE parking_gates SET last_seq = $3, barrier = $4, fault = $5, barrier_at = $6, barrier_since = $7, stuck_raised = $8
         WHERE site_id = $1 AND gate_id = $2`,
        [input.siteId, input.gateId, after.last_seq, after.barrier, after.fault, after.barrier_at, after.barrier_since, after.stuck_raised],
      );
      return { before, after };
    });
  }

  /** Open barriers not yet reported stuck. */
  async openGates(): Promise<GateRow[]> {
    const rows = await this.db.query<GateRow>("SELECT * FROM parking_gates WHERE barrier = 'open' AND NOT stuck_raised");
    return rows.map(gateRow);
  }

  /** Only if the barrier is still open since the same moment (a report may have arrived meanwhile). */
  async markStuck(g: GateRow): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE parking_gates SET stuck_raised = true
       WHERE site_id = $1 AND gate_id = $2 AND barrier = 'open' AND barrier_since = $3 AND NOT stuck_raised RETURNING gate_id`,
      [g.site_id, g.gate_id, g.barrier_since],
    );
    return rows.length > 0;
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

function gateRow(r: GateRow): GateRow {
  return { ...r, last_seq: Number(r.last_seq), barrier_since: date(r.barrier_since), barrier_at: date(r.barrier_at), last_pass_at: date(r.last_pass_at) };
}

function date(d: Date | string | null): Date | null {
  return d === null ? null : new Date(d);
}
