// Pure rules behind the 车场 (parking) and 耗材 (consumables) views: how full a lot looks, whether
// a barrier has been open too long, what a remote open came to, and which dispensers need someone
// first. No Vue, no I/O: unit-tested.
import type { DispenserDto, GateStateDto, ParkingLotDto } from '@estate-watch/contracts';

export type OccupancyLevel = 'ok' | 'busy' | 'full';

/** Amber from this share of capacity; full is the server's `full` (≥ capacity, clears below 95 %, CONTRACT §4). */
export const BUSY_SHARE = 0.9;

export function occupancyLevel(lot: Pick<ParkingLotDto, 'occupancy' | 'capacity' | 'full'>): OccupancyLevel {
  if (lot.full) return 'full';
  return lot.capacity > 0 && lot.occupancy >= lot.capacity * BUSY_SHARE ? 'busy' : 'ok';
}

/** The bar's fill, 0–100 (a count above capacity fills it, it does not overflow). */
export function occupancyPct(lot: Pick<ParkingLotDto, 'occupancy' | 'capacity'>): number {
  if (lot.capacity <= 0) return 0;
  return Math.min(100, Math.round((lot.occupancy / lot.capacity) * 100));
}

export interface BarrierView {
  state: 'open' | 'closed' | 'fault' | 'unknown';
  /** Open for longer than the gate's `stuckOpenSec` (the server raises gate.stuck_open then). */
  stuck: boolean;
  /** Since when, in ms before `now`; null when the gate never said. */
  forMs: number | null;
}

export function barrierView(gate: GateStateDto, now: number): BarrierView {
  const since = gate.barrierSince ? Date.parse(gate.barrierSince) : NaN;
  const forMs = Number.isNaN(since) ? null : Math.max(0, now - since);
  const state = gate.barrier ?? 'unknown';
  return { state, stuck: state === 'open' && forMs !== null && forMs > gate.stuckOpenSec * 1000, forMs };
}

/** What a remote open came to (CONTRACT §6 and the parking README: 200 with the ack, 504 on time-out). */
export type OpenOutcome =
  | { kind: 'acked'; at: string }
  | { kind: 'refused'; error: string }
  | { kind: 'timeout' }
  | { kind: 'failed'; status: number; message: string };

export function openOutcome(result: { ok: boolean; error?: string; ackedAt: string } | { status: number; message: string }): OpenOutcome {
  if ('ok' in result) return result.ok ? { kind: 'acked', at: result.ackedAt } : { kind: 'refused', error: result.error ?? '' };
  return result.status === 504 ? { kind: 'timeout' } : { kind: 'failed', status: result.status, message: result.message };
}

export type LevelState = 'empty' | 'low' | 'ok' | 'unknown';

/** Against the dispenser's own thresholds from the site file (CONTRACT §4: ≤ lowPct low, ≤ emptyPct empty). */
export function levelState(d: Pick<DispenserDto, 'level' | 'lowPct' | 'emptyPct'>): LevelState {
  if (d.level === null) return 'unknown';
  if (d.level <= d.emptyPct) return 'empty';
  return d.level <= d.lowPct ? 'low' : 'ok';
}

const LEVEL_RANK: Record<LevelState, number> = { empty: 0, low: 1, unknown: 2, ok: 3 };

/**
 * Who needs a refill first: empty, then low, then silent ones, then the rest; within each,
 * the one expected to run out soonest, then the lowest level, then by name.
 */
export function compareDispensers(a: DispenserDto, b: DispenserDto): number {
  const byState = LEVEL_RANK[levelState(a)] - LEVEL_RANK[levelState(b)];
  if (byState !== 0) return byState;
  const emptyAt = (d: DispenserDto) => (d.expectedEmptyAt ? Date.parse(d.expectedEmptyAt) : Infinity);
  const byEmpty = emptyAt(a) - emptyAt(b);
  if (byEmpty !== 0 && !Number.isNaN(byEmpty)) return byEmpty;
  return (a.level ?? 101) - (b.level ?? 101) || a.name.localeCompare(b.name, 'zh-CN');
}

/** A battery worth a glance: at or under 20 %, as the device list marks it. */
export const lowBattery = (battery: number | undefined) => battery !== undefined && battery <= 20;
