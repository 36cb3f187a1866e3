// Pure rules behind the 设备运行 (equipment) view: a sensor's state from its limits and faults,
// readings as the operator reads them, the gauge's layout against a limit, and the history
// chart's step and series. No Vue, no I/O: unit-tested.
import type { DeviceDto, SensorDto, SensorLimitStateDto, TelemetryDto } from '@estate-watch/contracts';
import { splitUnit } from './device-logic';

export type SensorState = 'alarm' | 'fault' | 'pending' | 'ok' | 'silent';

const STATE_RANK: Record<SensorState, number> = { alarm: 0, fault: 1, pending: 2, ok: 3, silent: 4 };

/**
 * 告警 (a limit raised: sensor.threshold open, e.g. a leak or over-pressure) over 故障 (an open
 * fault code the equipment reported) over 待确认 (out of range, forSec not yet over) over 正常 —
 * the server's limit states, not a guess from the value. A sensor that never sent a reading is
 * 无读数, not 正常: nothing says its limits hold.
 */
export function sensorState(sensor: Pick<SensorDto, 'limits' | 'faults' | 'readings'>): SensorState {
  if (sensor.limits.some((l) => l.status === 'raised')) return 'alarm';
  if (sensor.faults.length) return 'fault';
  if (sensor.limits.some((l) => l.status === 'pending')) return 'pending';
  return Object.keys(sensor.readings).length ? 'ok' : 'silent';
}

export const sensorKey = (s: Pick<SensorDto, 'siteId' | 'id'>) => `${s.siteId}:${s.id}`;

/** The ones needing someone first, then by name. */
export function compareSensors(a: SensorDto, b: SensorDto): number {
  return STATE_RANK[sensorState(a)] - STATE_RANK[sensorState(b)] || a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id);
}

/** Limited metrics first (in the site file's order), then whatever else the sensor reports. */
export function metricsOf(sensor: Pick<SensorDto, 'limits' | 'readings'>): string[] {
  const limited = sensor.limits.map((l) => l.metric);
  return [...limited, ...Object.keys(sensor.readings).filter((m) => !limited.includes(m))];
}

/** Metrics that are true/false: a boolean reading, or a limit on `equals: true|false`. */
export function isBooleanMetric(sensor: Pick<SensorDto, 'limits' | 'readings'>, metric: string): boolean {
  if (typeof sensor.readings[metric] === 'boolean') return true;
  return typeof sensor.limits.find((l) => l.metric === metric)?.equals === 'boolean';
}

export interface Reading {
  /** Number with its digits, or the boolean's word key (`true`/`false`) for i18n. */
  text: string;
  unit: string;
  boolean: boolean;
}

/** Digits by magnitude: 0.45 MPa keeps its hundredths, 61.25 °C shows 61.3, 1450 rpm no decimals. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  if (Number.isInteger(v) && abs >= 10) return String(v);
  return v.toFixed(abs < 10 ? 2 : abs < 100 ? 1 : 0);
}

/** A number from the site file or an axis (a limit, a tick): as written, 2 not 2.00. */
export function plainNumber(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : '—';
}

export function formatReading(metric: string, value: number | boolean | undefined): Reading {
  if (value === undefined) return { text: '—', unit: '', boolean: false };
  if (typeof value === 'boolean') return { text: String(value), unit: '', boolean: true };
  return { text: formatNumber(value), unit: splitUnit(metric).unit, boolean: false };
}

/** A sensor `device` event carries its last telemetry: the readings it brings, with their device time. */
export function readingsOfDevice(device: Pick<DeviceDto, 'kind' | 'lastValues'>): { readings: Record<string, number | boolean>; at?: string } | null {
  if (device.kind !== 'sensor') return null;
  const telemetry = device.lastValues.telemetry as { ts?: unknown; readings?: unknown } | undefined;
  const raw = telemetry?.readings;
  if (typeof raw !== 'object' || raw === null) return null;
  const readings: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'number' || typeof v === 'boolean') readings[k] = v;
  return { readings, at: typeof telemetry?.ts === 'string' ? telemetry.ts : undefined };
}

// ── Gauge ────────────────────────────────────────────────────────────────────────────────────

export interface GaugeLayout {
  /** Positions along the bar, 0–100 %. */
  value: number | null;
  min: number | null;
  max: number | null;
  /** The hysteresis band inside each limit: a value must come back past it to clear. */
  minBand: [number, number] | null;
  maxBand: [number, number] | null;
  lo: number;
  hi: number;
  /** Where the value stands: below min, above max, or in range. */
  zone: 'low' | 'high' | 'in' | 'none';
}

/** The bar spans the limits with a quarter of their spread either side, or from zero under a lone max (and always the value). */
export function gaugeLayout(limit: Pick<SensorLimitStateDto, 'min' | 'max' | 'hysteresis'>, value: number | undefined): GaugeLayout {
  const v = value !== undefined && Number.isFinite(value) ? value : undefined;
  let lo: number;
  let hi: number;
  if (limit.min !== undefined && limit.max !== undefined) {
    const pad = (limit.max - limit.min) * 0.25 || 1;
    [lo, hi] = [limit.min - pad, limit.max + pad];
  } else if (limit.max !== undefined) {
    // Only a ceiling (a water level, a motor temperature): from zero, or a little under the value.
    lo = limit.max > 0 ? 0 : limit.max - (Math.abs(limit.max) || 1);
    hi = limit.max + (limit.max - lo) * 0.25;
  } else {
    const floor = limit.min ?? 0;
    lo = floor - (Math.abs(floor) * 0.5 || 1);
    hi = floor + (Math.abs(floor) || 1) * 1.5;
  }
  if (v !== undefined) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const pos = (x: number) => Math.round(((x - lo) / (hi - lo)) * 1000) / 10;
  const h = limit.hysteresis;
  return {
    value: v === undefined ? null : pos(v),
    min: limit.min === undefined ? null : pos(limit.min),
    max: limit.max === undefined ? null : pos(limit.max),
    minBand: limit.min === undefined || !h ? null : [pos(limit.min), pos(limit.min + h)],
    maxBand: limit.max === undefined || !h ? null : [pos(limit.max - h), pos(limit.max)],
    lo,
    hi,
    zone: v === undefined ? 'none' : limit.min !== undefined && v < limit.min ? 'low' : limit.max !== undefined && v > limit.max ? 'high' : 'in',
  };
}

// ── History ──────────────────────────────────────────────────────────────────────────────────

export const RANGES = { '1h': 3600_000, '6h': 6 * 3600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
export type RangeId = keyof typeof RANGES;

/** Steps the API accepts (whole s/m/h/d), in the sizes a person expects on an axis. */
const STEPS: [string, number][] = [
  ['1s', 1e3], ['2s', 2e3], ['5s', 5e3], ['10s', 1e4], ['15s', 15e3], ['30s', 3e4],
  ['1m', 6e4], ['2m', 12e4], ['3m', 18e4], ['5m', 3e5], ['10m', 6e5], ['15m', 9e5], ['20m', 12e5], ['30m', 18e5],
  ['1h', 36e5], ['2h', 72e5], ['3h', 108e5], ['6h', 216e5], ['12h', 432e5], ['1d', 864e5],
];
export const MAX_BUCKETS = 600;

/** The smallest listed step giving at most 600 buckets over the range: 1 h → 10s (360), 6 h → 1m, 24 h → 3m, 7 d → 20m. */
export function chooseStep(rangeMs: number): { step: string; ms: number } {
  const found = STEPS.find(([, ms]) => rangeMs / ms <= MAX_BUCKETS) ?? STEPS[STEPS.length - 1]!;
  return { step: found[0], ms: found[1] };
}

export interface ChartPoint {
  t: number;
  avg: number;
  min: number;
  max: number;
  count: number;
}

/**
 * One metric's points from a GET /api/telemetry answer, raw (`{t, v}`: avg = min = max = v) or
 * downsampled. Booleans arrive as 0/1; a bucket's `max` says whether it saw `true` at all.
 */
export function seriesOf(dto: Pick<TelemetryDto, 'series'>, metric: string): ChartPoint[] {
  const series = dto.series.find((s) => s.metric === metric);
  if (!series) return [];
  return series.points.map((p) =>
    'v' in p ? { t: Date.parse(p.t), avg: p.v, min: p.v, max: p.v, count: 1 } : { t: Date.parse(p.t), avg: p.avg, min: p.min, max: p.max, count: p.count },
  );
}

/**
 * A live reading into the series: folded into the bucket it falls in (buckets are aligned to a
 * fixed origin, so its start is `t − t mod step` up to the site's offset, which the last bucket
 * already carries), else a new bucket; points older than `from` fall off. Returns a new array.
 */
export function appendReading(points: ChartPoint[], t: number, value: number, stepMs: number, from: number): ChartPoint[] {
  const kept = points.filter((p) => p.t + stepMs > from);
  const last = kept[kept.length - 1];
  if (last && t < last.t) return kept; // older than what we hold: the history already has it
  if (last && t < last.t + stepMs) {
    const count = last.count + 1;
    kept[kept.length - 1] = { t: last.t, avg: last.avg + (value - last.avg) / count, min: Math.min(last.min, value), max: Math.max(last.max, value), count };
    return kept;
  }
  const start = last ? last.t + Math.floor((t - last.t) / stepMs) * stepMs : t - (t % stepMs);
  return [...kept, { t: start, avg: value, min: value, max: value, count: 1 }];
}

/** The y range: every point's min and max and the limit lines, padded by a tenth. */
export function yDomain(points: ChartPoint[], limit?: Pick<SensorLimitStateDto, 'min' | 'max'>): [number, number] {
  const ys = points.flatMap((p) => [p.min, p.max]);
  if (limit?.min !== undefined) ys.push(limit.min);
  if (limit?.max !== undefined) ys.push(limit.max);
  if (!ys.length) return [0, 1];
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (lo === hi) [lo, hi] = [lo - (Math.abs(lo) * 0.1 || 1), hi + (Math.abs(hi) * 0.1 || 1)];
  const pad = (hi - lo) * 0.1;
  return [lo - pad, hi + pad];
}

export const SILENCE_MS = 5 * 60_000;

export interface ChartPaths {
  avg: string;
  band: string;
}

/**
 * SVG path data. A silence longer than three steps and five minutes breaks the line (nothing to
 * interpolate; a sensor reporting every minute still draws a line in 10 s buckets).
 * `boolean`: a step line of each bucket's max (did it see `true`).
 */
export function chartPaths(points: ChartPoint[], x: (t: number) => number, y: (v: number) => number, stepMs: number, boolean: boolean): ChartPaths {
  const gap = Math.max(3 * stepMs, SILENCE_MS);
  const runs: ChartPoint[][] = [];
  for (const p of points) {
    const run = runs[runs.length - 1];
    const prev = run?.[run.length - 1];
    if (!run || !prev || p.t - prev.t > gap) runs.push([p]);
    else run.push(p);
  }
  const f = (n: number) => Math.round(n * 10) / 10;
  if (boolean) {
    const avg = runs
      .map((run) => run.map((p, i) => `${i ? `H${f(x(p.t))}V` : `M${f(x(p.t))},`}${f(y(p.max))}`).join('') + `H${f(x(run[run.length - 1]!.t + stepMs))}`)
      .join('');
    return { avg, band: '' };
  }
  // A lone point is a short dash, or it would not show at all.
  const avg = runs.map((run) => run.map((p, i) => `${i ? 'L' : 'M'}${f(x(p.t))},${f(y(p.avg))}`).join('') + (run.length === 1 ? 'h3' : '')).join('');
  const band = runs
    .map((run) => {
      const top = run.map((p, i) => `${i ? 'L' : 'M'}${f(x(p.t))},${f(y(p.max))}`).join('');
      const bottom = [...run].reverse().map((p) => `L${f(x(p.t))},${f(y(p.min))}`).join('');
      return `${top}${bottom}Z`;
    })
    .join('');
  return { avg, band };
}

// ── Axes ─────────────────────────────────────────────────────────────────────────────────────

const TICK_STEPS = [10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * 60_000);

/**
 * Time-axis ticks on round local times (every 10 min … every day), at most `max` of them.
 * `offsetMs`: the local zone's offset east of UTC (8 h for Asia/Shanghai), so 00:00 is local midnight.
 */
export function timeTicks(from: number, to: number, offsetMs: number, max = 7): number[] {
  const step = TICK_STEPS.find((s) => (to - from) / s <= max) ?? 86_400_000 * Math.ceil((to - from) / 86_400_000 / max);
  const first = Math.ceil((from + offsetMs) / step) * step - offsetMs;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** Three to six round values (1, 2, 2.5, 5 × 10ⁿ apart) inside [lo, hi]. */
export function valueTicks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  if (!(raw > 0)) return [lo];
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step);
  return ticks.map((v) => Number(v.toPrecision(12)));
}

/** The point nearest to `t` (points in time order), for the chart's hover readout; none beyond `maxMs`. */
export function nearestPoint(points: ChartPoint[], t: number, maxMs: number): ChartPoint | undefined {
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  const candidates = [points[lo - 1], points[lo]].filter((p): p is ChartPoint => p !== undefined);
  const best = candidates.sort((a, b) => Math.abs(a.t - t) - Math.abs(b.t - t))[0];
  return best && Math.abs(best.t - t) <= maxMs ? best : undefined;
}

/** Readings older than this are marked in the list: the values shown may no longer hold. */
export const STALE_MS = 10 * 60_000;

export function isStale(readingsAt: string | undefined, now: number): boolean {
  if (!readingsAt) return false;
  const at = Date.parse(readingsAt);
  return !Number.isNaN(at) && now - at > STALE_MS;
}

/** ↑/↓ in the list: the neighbour of the selected sensor, staying at the ends. */
export function neighbourId(ids: string[], current: string | undefined, delta: 1 | -1): string | undefined {
  if (!ids.length) return undefined;
  const at = current === undefined ? -1 : ids.indexOf(current);
  if (at < 0) return ids[0];
  return ids[Math.min(ids.length - 1, Math.max(0, at + delta))];
}
