// CONTRACT §1 gate/event and §4 parking.full — lot occupancy from passes, and when a lot is full.

export type PassDirection = 'in' | 'out';

export interface OccupancyAfterPass {
  occupancy: number;
  /** An `out` with the lot already empty: the count was wrong, it stays at 0 and the anomaly is recorded. */
  clamped: boolean;
}

/** A pass in counts +1, a pass out −1; occupancy never goes below 0. */
export function applyPass(occupancy: number, direction: PassDirection): OccupancyAfterPass {
  const next = occupancy + (direction === 'in' ? 1 : -1);
  return next < 0 ? { occupancy: 0, clamped: true } : { occupancy: next, clamped: false };
}

/** A full lot clears only below this share of capacity (CONTRACT §4), so one car leaving and one arriving does not flap. */
export const PARKING_CLEAR_RATIO = 0.95;

/**
 * parking.full: raised at occupancy ≥ capacity, cleared below 95 % of capacity; in between the
 * lot keeps what it was.
 */
export function lotIsFull(occupancy: number, capacity: number, wasFull: boolean): boolean {
  if (occupancy >= capacity) return true;
  if (occupancy < capacity * PARKING_CLEAR_RATIO) return false;
  return wasFull;
}
