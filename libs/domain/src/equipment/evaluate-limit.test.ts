// CONTRACT §2 sensor limits and §4 sensor.threshold, driven reading by reading.
import { describe, expect, it } from 'vitest';
import { evaluateLimit, INITIAL_LIMIT_STATE, type Limit, type LimitState } from './evaluate-limit';

const boiler: Limit = { min: 40, max: 85, forSec: 30, hysteresis: 2 };
const t0 = new Date('2026-11-27T01:00:00.000Z').getTime();

/** Feeds [secondsFromT0, value] readings in order; returns the actions and the last state. */
function run(limit: Limit, readings: [number, number | boolean][], start: LimitState = INITIAL_LIMIT_STATE) {
  let state = start;
  const actions: string[] = [];
  for (const [sec, value] of readings) {
    const d = evaluateLimit(limit, state, value, new Date(t0 + sec * 1000));
    state = d.state;
    actions.push(d.action);
  }
  return { actions, state };
}

describe(evaluateLimit.name, () => {
  it.each([
    { name: 'exactly max is in range', limit: boiler, readings: [[0, 85], [60, 85]], expected: ['none', 'none'] },
    { name: 'over max for 29 s does not raise', limit: boiler, readings: [[0, 86], [29, 86]], expected: ['none', 'none'] },
    { name: 'over max for exactly forSec raises', limit: boiler, readings: [[0, 86], [30, 86]], expected: ['none', 'raise'] },
    { name: 'back in range before forSec: the window starts again', limit: boiler, readings: [[0, 86], [20, 84], [40, 86], [65, 86], [70, 86]], expected: ['none', 'none', 'none', 'none', 'raise'] },
    { name: 'raised, then exactly max − hysteresis does not clear', limit: boiler, readings: [[0, 90], [30, 90], [40, 83]], expected: ['none', 'raise', 'none'] },
    { name: 'raised, then below max − hysteresis clears', limit: boiler, readings: [[0, 90], [30, 90], [40, 82.9]], expected: ['none', 'raise', 'clear'] },
    { name: 'flapping around max raises once', limit: boiler, readings: [[0, 86], [30, 86], [35, 84], [40, 86], [45, 84], [50, 86], [55, 83.5]], expected: ['none', 'raise', 'none', 'none', 'none', 'none', 'none'] },
    { name: 'below min for forSec raises; clears only above min + hysteresis', limit: boiler, readings: [[0, 39], [30, 38], [40, 42], [50, 42.1]], expected: ['none', 'raise', 'none', 'clear'] },
    { name: 'a gap in data does not clear (nothing but readings moves the state)', limit: boiler, readings: [[0, 90], [30, 90], [3600, 90]], expected: ['none', 'raise', 'none'] },
    { name: 'a gap within a pending window raises at the next reading past forSec', limit: boiler, readings: [[0, 90], [600, 90]], expected: ['none', 'raise'] },
    { name: 'forSec 0 raises at once', limit: { ...boiler, forSec: 0 }, readings: [[0, 86]], expected: ['raise'] },
    { name: 'equals: true for a boolean (leak) raises at once and clears on false', limit: { equals: true, forSec: 0, hysteresis: 0 }, readings: [[0, false], [5, true], [6, true], [10, false]], expected: ['none', 'raise', 'none', 'clear'] },
    { name: 'a boolean reading against min/max is ignored', limit: boiler, readings: [[0, true], [40, true]], expected: ['none', 'none'] },
    { name: 'an older reading (flushed buffer) after a newer one changes nothing', limit: { ...boiler, forSec: 0 }, readings: [[100, 70], [50, 99]], expected: ['none', 'none'] },
  ] as { name: string; limit: Limit; readings: [number, number | boolean][]; expected: string[] }[])('$name', ({ limit, readings, expected }) => {
    expect(run(limit, readings).actions).toEqual(expected);
  });

  it('the time base is the reading\'s device ts: forSec counts from the first out-of-range reading', () => {
    const { state } = run(boiler, [[0, 86], [10, 87]]);
    expect(state).toMatchObject({ status: 'pending', outSince: new Date(t0), lastValue: 87 });
  });

  it('a pending window survives in the state (a restart resumes it)', () => {
    const pending = run(boiler, [[0, 86]]).state;
    const restored: LimitState = JSON.parse(JSON.stringify(pending), (k, v) => (k === 'outSince' || k === 'lastAt' ? new Date(v) : v));
    expect(run(boiler, [[30, 86]], restored).actions).toEqual(['raise']);
  });
});
