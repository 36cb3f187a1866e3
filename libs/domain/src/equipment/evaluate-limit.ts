// CONTRACT §2 sensor limits and §4 sensor.threshold: a reading outside its limit for forSec raises;
// it clears only inside the limit by the hysteresis margin. The reading's device ts is the time base.

export interface Limit {
  min?: number;
  max?: number;
  equals?: boolean | number;
  forSec: number;
  hysteresis: number;
}

export type LimitStatus = 'ok' | 'pending' | 'raised';

export interface LimitState {
  status: LimitStatus;
  /** When the value first went out of range in the current excursion (pending or raised). */
  outSince?: Date;
  /** Device time of the last reading applied: older readings (a buffer flushed late) change nothing. */
  lastAt?: Date;
  lastValue?: number | boolean;
}

export type LimitBreach = 'min' | 'max' | 'equals';

export interface LimitDecision {
  state: LimitState;
  action: 'raise' | 'clear' | 'none';
  /** Which side is crossed by this reading, when it is out of range. */
  breach?: LimitBreach;
}

export const INITIAL_LIMIT_STATE: LimitState = { status: 'ok' };

/** Which bound the value crosses: above max, below min, or equal to `equals`. Exactly max or min is in range. */
export function breachOf(limit: Limit, value: number | boolean): LimitBreach | undefined {
  if (limit.equals !== undefined && value === limit.equals) return 'equals';
  if (typeof value !== 'number') return undefined;
  if (limit.max !== undefined && value > limit.max) return 'max';
  if (limit.min !== undefined && value < limit.min) return 'min';
  return undefined;
}

/** A raised limit clears only strictly inside the hysteresis margin: below max − h and above min + h. */
function clearsRaised(limit: Limit, value: number | boolean): boolean {
  if (limit.equals !== undefined && value === limit.equals) return false;
  if (typeof value !== 'number') return limit.min === undefined && limit.max === undefined;
  if (limit.max !== undefined && !(value < limit.max - limit.hysteresis)) return false;
  if (limit.min !== undefined && !(value > limit.min + limit.hysteresis)) return false;
  return true;
}

/** A reading of the wrong type for the limit (a boolean against min/max) tells nothing about it. */
function comparable(limit: Limit, value: number | boolean): boolean {
  if (typeof value === 'boolean') return limit.equals !== undefined && typeof limit.equals === 'boolean';
  return limit.min !== undefined || limit.max !== undefined || typeof limit.equals === 'number';
}

/**
 * One reading against one limit. Only readings move the state: a gap in data neither raises a
 * pending excursion nor clears a raised one.
 */
export function evaluateLimit(limit: Limit, state: LimitState, value: number | boolean, at: Date): LimitDecision {
  if (!comparable(limit, value)) return { state, action: 'none' };
  if (state.lastAt && at.getTime() < state.lastAt.getTime()) return { state, action: 'none' };
  const breach = breachOf(limit, value);
  const seen = { lastAt: at, lastValue: value };
  if (state.status === 'raised') {
    if (clearsRaised(limit, value)) return { state: { status: 'ok', ...seen }, action: 'clear' };
    return { state: { ...state, ...seen }, action: 'none', breach };
  }
  if (!breach) return { state: { status: 'ok', ...seen }, action: 'none' };
  const outSince = state.status === 'pending' && state.outSince ? state.outSince : at;
  if (at.getTime() - outSince.getTime() >= limit.forSec * 1000) {
    return { state: { status: 'raised', outSince, ...seen }, action: 'raise', breach };
  }
  return { state: { status: 'pending', outSince, ...seen }, action: 'none', breach };
}
