// One batch of gate messages judged in memory, in seq order, against the locked rows of its
// gates and lots (ParkingRepository.applyBatch reads them and writes back what changed).
import { applyPass } from '@estate-watch/domain';
import type { BarrierInput, GateRow, PassApplied, PassInput } from './parking.repository';

export type GateInput = ({ type: 'pass' } & PassInput) | ({ type: 'barrier' } & BarrierInput);

export type GateOutcome =
  | { applied: false }
  | { applied: true; type: 'pass'; result: PassApplied }
  | { applied: true; type: 'barrier'; before: GateRow; after: GateRow };

/** The lot columns a pass moves. */
export interface LotState {
  site_id: string;
  lot_id: string;
  occupancy: number;
  is_full: boolean;
  over_capacity_since: Date | null;
  updated_at: Date | null;
}

/** An `out` pass that found the lot empty (CONTRACT §1: the count stays at 0, the anomaly is kept). */
export interface ClampRecord {
  siteId: string;
  lotId: string;
  gateId: string;
  at: Date;
  seq: number;
  plate?: string;
}

/** The parking.full rule for the lot of `input` (lotIsFull with the lot's capacity). */
export type NextFull = (input: PassInput, occupancy: number, wasFull: boolean) => boolean;

export interface JudgedGateBatch {
  /** For a prefix of the inputs: all replays, or all fresh messages. */
  outcomes: GateOutcome[];
  /** Rows to write back: each changed gate and lot once, with the state after its last message. */
  gates: GateRow[];
  lots: LotState[];
  clamps: ClampRecord[];
}

const key = (a: string, b: string) => `${a}\u0000${b}`;

/**
 * Changes `gates` and `lots` in place. Stops before the first message whose applied-ness differs
 * from the first one's (replays and fresh messages never share a transaction), and after a fresh
 * message for which `stopAfter` says so.
 */
export function judgeGateBatch(
  inputs: readonly GateInput[],
  gates: ReadonlyMap<string, GateRow>,
  lots: ReadonlyMap<string, LotState>,
  nextFull: NextFull,
  stopAfter: (input: GateInput, outcome: GateOutcome) => boolean,
): JudgedGateBatch {
  const outcomes: GateOutcome[] = [];
  const changedGates = new Map<string, GateRow>();
  const changedLots = new Map<string, LotState>();
  const clamps: ClampRecord[] = [];
  for (const input of inputs) {
    const gk = key(input.siteId, input.gateId);
    const gate = gates.get(gk)!;
    const fresh = input.seq > gate.last_seq;
    if (outcomes.length > 0 && fresh !== outcomes[0]!.applied) break;
    if (!fresh) {
      outcomes.push({ applied: false });
      continue;
    }
    let outcome: GateOutcome;
    if (input.type === 'pass') {
      gate.last_seq = input.seq;
      // The last pass shown is the newest by device time: a buffered older pass counts but does not replace it.
      if (input.pass && (gate.last_pass_at === null || gate.last_pass_at.getTime() <= input.at.getTime())) {
        gate.last_pass = input.pass;
        gate.last_pass_at = input.at;
      }
      const lk = key(input.siteId, input.lotId);
      const lot = lots.get(lk)!;
      outcome = { applied: true, type: 'pass', result: pass(input, lot, nextFull, clamps) };
      if (input.pass) changedLots.set(lk, lot);
    } else {
      const before = { ...gate };
      Object.assign(gate, barrier(input, before));
      outcome = { applied: true, type: 'barrier', before, after: { ...gate } };
    }
    changedGates.set(gk, gate);
    outcomes.push(outcome);
    if (stopAfter(input, outcome)) break;
  }
  return { outcomes, gates: [...changedGates.values()], lots: [...changedLots.values()], clamps };
}

/** A pass moves the lot's count from what this batch left it at; `denied` (no pass) moves no car. */
function pass(input: PassInput, lot: LotState, nextFull: NextFull, clamps: ClampRecord[]): PassApplied {
  if (!input.pass) return { occupancy: lot.occupancy, wasFull: lot.is_full, full: lot.is_full, clamped: false };
  const { occupancy, clamped } = applyPass(lot.occupancy, input.pass.direction);
  const wasFull = lot.is_full;
  const full = nextFull(input, occupancy, wasFull);
  lot.occupancy = occupancy;
  lot.is_full = full;
  lot.updated_at = input.at;
  lot.over_capacity_since = occupancy > input.capacity ? (lot.over_capacity_since ?? input.at) : null;
  if (clamped) clamps.push({ siteId: input.siteId, lotId: input.lotId, gateId: input.gateId, at: input.at, seq: input.seq, plate: input.pass.plate });
  return { occupancy, wasFull, full, clamped };
}

/**
 * A barrier report older (device time) than the last one applied moves only the seq. `since`
 * restarts only when the state (or fault code) changes: heartbeats repeat it.
 */
function barrier(input: BarrierInput, before: GateRow): GateRow {
  const stale = before.barrier_at !== null && before.barrier_at.getTime() > input.at.getTime();
  if (stale) return { ...before, last_seq: input.seq };
  const changed = before.barrier !== input.barrier || before.fault !== input.fault;
  return {
    ...before,
    last_seq: input.seq,
    barrier: input.barrier,
    fault: input.fault,
    barrier_at: input.at,
    barrier_since: changed ? input.at : before.barrier_since,
    stuck_raised: changed ? false : before.stuck_raised,
  };
}
