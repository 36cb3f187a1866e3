// Plausible readings for a sensor, derived from its configured limits: values wander around a
// nominal point well inside the limits, so the demo raises no threshold alerts until a scenario
// pushes a reading out on purpose.
import type { SensorLimit } from '@estate-watch/contracts';
import type { Random } from '../common/random';

export type Reading = number | boolean;

interface Metric {
  nominal: number;
  low: number;
  high: number;
  noise: number;
  decimals: number;
  value: number;
  /** How far steering may move the band: the limits less their hysteresis. */
  floor: number;
  ceiling: number;
}

/** Where a metric sits in normal operation when its name says more than its limits do. */
const NOMINAL_BY_NAME: Record<string, number> = {
  temperature_c: 65,
  water_level_cm: 12,
  cabin_temp_c: 24,
  motor_temp_c: 48,
};

export class SensorModel {
  private readonly metrics = new Map<string, Metric>();
  private readonly flags = new Map<string, boolean>();
  private readonly overrides = new Map<string, Reading>();

  constructor(
    limits: Record<string, SensorLimit>,
    extras: Record<string, Reading>,
    private readonly random: Random,
  ) {
    for (const [name, value] of Object.entries(extras)) {
      if (typeof value === 'boolean') this.flags.set(name, value);
      else this.metrics.set(name, numeric(value, value * 0.8, value * 1.2, random));
    }
    for (const [name, limit] of Object.entries(limits)) {
      if (typeof limit.equals === 'boolean') this.flags.set(name, !limit.equals);
      else if (typeof limit.equals === 'number') this.metrics.set(name, { ...numeric(limit.equals + 1, limit.equals + 1, limit.equals + 1, random), decimals: 0 });
      else this.metrics.set(name, fromRange(name, limit, random));
    }
  }

  /** Pins a reading (a scenario pushing it out of range) until `release(name)`. */
  set(name: string, value: Reading): void {
    this.overrides.set(name, value);
  }

  release(name: string): void {
    this.overrides.delete(name);
  }

  /**
   * Moves where a metric wanders (the living estate's daily cycle), taking its current value and
   * band along but never past its limits. A name it does not know becomes a new metric or flag.
   */
  steer(name: string, value: Reading): void {
    const m = this.metrics.get(name);
    if (typeof value === 'boolean' || (!m && this.flags.has(name))) {
      this.flags.set(name, Boolean(value));
      return;
    }
    if (!m) {
      this.metrics.set(name, numeric(value, value * 0.8, value * 1.2, this.random));
      return;
    }
    const shift = value - m.nominal;
    m.nominal = value;
    m.low = Math.max(m.floor, Math.min(m.ceiling, m.low + shift));
    m.high = Math.min(m.ceiling, Math.max(m.floor, m.high + shift));
    m.value = Math.min(m.high, Math.max(m.low, m.value + shift));
  }

  /** Moves every free-running metric one step (mean-reverting random walk) and returns all readings. */
  step(): Record<string, Reading> {
    for (const m of this.metrics.values()) {
      const next = m.value + (m.nominal - m.value) * 0.3 + (this.random() - 0.5) * 2 * m.noise;
      m.value = Math.min(m.high, Math.max(m.low, next));
    }
    return this.readings();
  }

  readings(): Record<string, Reading> {
    const out: Record<string, Reading> = {};
    for (const [name, m] of this.metrics) out[name] = round(m.value, m.decimals);
    for (const [name, v] of this.flags) out[name] = v;
    for (const [name, v] of this.overrides) out[name] = v;
    return out;
  }
}

function fromRange(name: string, limit: SensorLimit, random: Random): Metric {
  const { min, max } = limit;
  // Keep clear of the hysteresis band too, so normal noise never flickers an alert.
  const margin = limit.hysteresis;
  let nominal: number;
  if (min !== undefined && max !== undefined) nominal = (min + max) / 2;
  else if (max !== undefined) nominal = max > 0 ? max * 0.6 : max - 10;
  else nominal = min! > 0 ? min! * 1.5 : min! + 10;
  const named = NOMINAL_BY_NAME[name];
  const low = min !== undefined ? min + margin : -Infinity;
  const high = max !== undefined ? max - margin : Infinity;
  if (named !== undefined && named > low && named < high) nominal = named;
  const span = min !== undefined && max !== undefined ? max - min : Math.abs(nominal) * 0.5 || 1;
  const metric = numeric(nominal, Math.max(low, nominal - span * 0.25), Math.min(high, nominal + span * 0.25), random);
  return { ...metric, noise: span * 0.02, floor: low, ceiling: high };
}

function numeric(nominal: number, low: number, high: number, random: Random): Metric {
  const noise = Math.abs(nominal) * 0.02 || 0.1;
  const decimals = Math.abs(nominal) < 5 ? 3 : 1;
  return { nominal, low, high, noise, decimals, value: nominal + (random() - 0.5) * noise, floor: -Infinity, ceiling: Infinity };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
