import { describe, expect, it } from 'vitest';
import type { DeviceDto, SensorDto, SensorLimitStateDto, TelemetryDto } from '@estate-watch/contracts';
import {
  appendReading,
  chartPaths,
  chooseStep,
  compareSensors,
  formatReading,
  gaugeLayout,
  isBooleanMetric,
  isStale,
  neighbourId,
  metricsOf,
  nearestPoint,
  plainNumber,
  RANGES,
  readingsOfDevice,
  sensorState,
  seriesOf,
  timeTicks,
  valueTicks,
  yDomain,
  type ChartPoint,
} from './equipment-logic';

const limit = (over: Partial<SensorLimitStateDto> = {}): SensorLimitStateDto => ({
  metric: 'temperature_c', min: 40, max: 85, forSec: 30, hysteresis: 2, severity: 'major', status: 'ok', ...over,
});
const sensor = (over: Partial<SensorDto> = {}): SensorDto => ({
  siteId: 'testsite', timezone: 'Asia/Shanghai', id: 'boiler-1', name: '1号锅炉', department: 'engineering', readings: {}, limits: [limit()], faults: [], revision: 1, ...over,
});

describe(sensorState.name, () => {
  it.each([
    { limits: ['ok', 'ok'], faults: [], state: 'ok' },
    { limits: ['ok', 'pending'], faults: [], state: 'pending' }, // out of range, forSec not over yet: 待确认
    { limits: ['pending', 'raised'], faults: [], state: 'alarm' },
    { limits: ['ok', 'pending'], faults: ['E42'], state: 'fault' },
    { limits: ['raised', 'ok'], faults: ['E42'], state: 'alarm' }, // a raised limit outranks a fault code
    { limits: [], faults: [], state: 'ok' },
  ] as const)('limits $limits, faults $faults → $state', ({ limits, faults, state }) => {
    const readings = { temperature_c: 60 };
    expect(sensorState(sensor({ readings, limits: limits.map((status) => limit({ status })), faults: [...faults] }))).toBe(state);
  });

  it('is 无读数 (silent), not 正常, before its first reading', () => {
    expect(sensorState(sensor({ readings: {} }))).toBe('silent');
    expect(sensorState(sensor({ readings: {}, faults: ['E1'] }))).toBe('fault');
  });

  it('orders the list by who needs someone first, then by name', () => {
    const list = [
      sensor({ id: 'e', name: '戊' }),
      sensor({ id: 'a', name: '甲', readings: { temperature_c: 60 } }),
      sensor({ id: 'b', name: '乙', faults: ['E1'] }),
      sensor({ id: 'c', name: '丙', limits: [limit({ status: 'pending' })] }),
      sensor({ id: 'd', name: '丁', limits: [limit({ status: 'raised' })] }),
    ].sort(compareSensors);
    expect(list.map((s) => s.id)).toEqual(['d', 'b', 'c', 'a', 'e']);
  });
});

describe('metrics and readings', () => {
  it('lists limited metrics first, then the other readings', () => {
    expect(metricsOf(sensor({ readings: { running: true, temperature_c: 60 } }))).toEqual(['temperature_c', 'running']);
  });

  it('knows boolean metrics from the reading or an equals limit', () => {
    const s = sensor({ readings: { running: true }, limits: [limit({ metric: 'leak', min: undefined, max: undefined, equals: true })] });
    expect([isBooleanMetric(s, 'running'), isBooleanMetric(s, 'leak'), isBooleanMetric(s, 'temperature_c')]).toEqual([true, true, false]);
  });

  it.each([
    { metric: 'temperature_c', value: 61.25, text: '61.3', unit: '°C' },
    { metric: 'pressure_mpa', value: 0.45, text: '0.45', unit: ' MPa' }, // hundredths matter under 10
    { metric: 'pressure_mpa', value: 1, text: '1.00', unit: ' MPa' },
    { metric: 'speed_rpm', value: 1450, text: '1450', unit: ' rpm' },
    { metric: 'speed_rpm', value: 1450.4, text: '1450', unit: ' rpm' },
    { metric: 'leak', value: true, text: 'true', unit: '' },
    { metric: 'temperature_c', value: undefined, text: '—', unit: '' },
  ])('$metric = $value → "$text$unit"', ({ metric, value, text, unit }) => {
    expect(formatReading(metric, value)).toMatchObject({ text, unit });
  });

  it('writes limits and axis values as a person would: 2, 0.02, 85', () => {
    expect([2, 0.02, 85, 0.1 + 0.2].map(plainNumber)).toEqual(['2', '0.02', '85', '0.3']);
  });

  it('takes the readings and their device time from a sensor device event', () => {
    const device = { kind: 'sensor', lastValues: { telemetry: { id: 'm', ts: '2026-11-27T02:00:00Z', readings: { temperature_c: 70, leak: false, note: 'x' } } } } as Pick<DeviceDto, 'kind' | 'lastValues'>;
    expect(readingsOfDevice(device)).toEqual({ readings: { temperature_c: 70, leak: false }, at: '2026-11-27T02:00:00Z' });
    expect(readingsOfDevice({ kind: 'gate', lastValues: {} })).toBeNull();
    expect(readingsOfDevice({ kind: 'sensor', lastValues: { status: { online: true } } })).toBeNull();
  });
});

describe(gaugeLayout.name, () => {
  it('spans the limits with a quarter of their spread either side, with the hysteresis bands inside', () => {
    const g = gaugeLayout({ min: 40, max: 80, hysteresis: 2 }, 60); // 30 … 90
    expect(g).toMatchObject({ lo: 30, hi: 90, value: 50, zone: 'in' });
    expect(g.min).toBeCloseTo(16.7, 1);
    expect(g.max).toBeCloseTo(83.3, 1);
    expect(g.minBand).toEqual([16.7, 20]);
    expect(g.maxBand).toEqual([80, 83.3]);
  });

  it('stretches to a value beyond the padding and names the zone', () => {
    const g = gaugeLayout({ min: 40, max: 80, hysteresis: 0 }, 120);
    expect(g).toMatchObject({ hi: 120, value: 100, zone: 'high', maxBand: null });
    expect(gaugeLayout({ min: 40, max: 80, hysteresis: 0 }, 39.9).zone).toBe('low');
    expect(gaugeLayout({ max: 80, hysteresis: 3 }, undefined)).toMatchObject({ value: null, min: null, zone: 'none' });
  });

  it('runs from zero under a lone max, so a low water level sits low on the bar, not at its edge', () => {
    expect(gaugeLayout({ max: 60, hysteresis: 5 }, 18)).toMatchObject({ lo: 0, hi: 75, value: 24, max: 80, maxBand: [73.3, 80] });
    expect(gaugeLayout({ min: 0.3, hysteresis: 0 }, 0.5)).toMatchObject({ lo: 0.15, hi: 0.75, zone: 'in' });
  });
});

describe(chooseStep.name, () => {
  it.each([
    { range: '1h', step: '10s' },
    { range: '6h', step: '1m' },
    { range: '24h', step: '3m' },
    { range: '7d', step: '20m' },
  ] as const)('$range → $step, 300–600 buckets', ({ range, step }) => {
    const chosen = chooseStep(RANGES[range]);
    expect(chosen.step).toBe(step);
    const buckets = RANGES[range] / chosen.ms;
    expect(buckets).toBeGreaterThanOrEqual(300);
    expect(buckets).toBeLessThanOrEqual(600);
  });

  it('never asks for more than 600 buckets, for any range up to the API’s 31 days', () => {
    for (let ms = 60_000; ms <= 31 * 86_400_000; ms *= 1.7) expect(ms / chooseStep(ms).ms).toBeLessThanOrEqual(600);
  });
});

describe('chart series', () => {
  const dto = (series: TelemetryDto['series']): Pick<TelemetryDto, 'series'> => ({ series });

  it('reads downsampled buckets and raw points alike; an absent metric is empty', () => {
    const answer = dto([
      { metric: 'temperature_c', truncated: false, points: [{ t: '2026-11-27T02:00:00Z', avg: 61, min: 60, max: 63, count: 6 }] },
      { metric: 'leak', truncated: false, points: [{ t: '2026-11-27T02:00:05Z', v: 1 }] },
    ]);
    expect(seriesOf(answer, 'temperature_c')).toEqual([{ t: Date.parse('2026-11-27T02:00:00Z'), avg: 61, min: 60, max: 63, count: 6 }]);
    expect(seriesOf(answer, 'leak')).toEqual([{ t: Date.parse('2026-11-27T02:00:05Z'), avg: 1, min: 1, max: 1, count: 1 }]);
    expect(seriesOf(answer, 'pressure_mpa')).toEqual([]);
  });

  const p = (t: number, avg: number, min = avg, max = avg, count = 1): ChartPoint => ({ t, avg, min, max, count });

  it('folds a live reading into its bucket, opens the next one, and drops what left the range', () => {
    let points = [p(0, 60, 58, 62, 2)];
    points = appendReading(points, 5_000, 66, 10_000, 0);
    expect(points).toEqual([p(0, 62, 58, 66, 3)]);
    points = appendReading(points, 34_000, 70, 10_000, 0);
    expect(points).toEqual([p(0, 62, 58, 66, 3), p(30_000, 70)]);
    expect(appendReading(points, 45_000, 71, 10_000, 25_000)).toEqual([p(30_000, 70), p(40_000, 71)]);
    expect(appendReading(points, 10_000, 1, 10_000, 0)).toEqual(points); // older than the last bucket
    expect(appendReading([], 12_345, 5, 10_000, 0)).toEqual([p(10_000, 5)]);
  });

  it('pads the y range around points and limit lines', () => {
    expect(yDomain([p(0, 60, 50, 70)], { min: 40, max: 80 })).toEqual([36, 84]);
    expect(yDomain([], undefined)).toEqual([0, 1]);
    const [lo, hi] = yDomain([p(0, 5)]); // a flat line gets ±10 % of its value, then the padding
    expect([lo, hi].map((v) => Math.round(v * 100) / 100)).toEqual([4.4, 5.6]);
  });

  it('draws the avg line and the min–max band, broken over a silence of more than three steps', () => {
    const H = 3600_000; // hour steps: the five-minute floor does not apply
    const x = (t: number) => t / H;
    const paths = chartPaths([p(0, 1, 0, 2), p(H, 2, 1, 3), p(10 * H, 3, 3, 3)], x, (v) => v * 10, H, false);
    expect(paths.avg).toBe('M0,10L1,20M10,30h3');
    expect(paths.band).toBe('M0,20L1,30L1,10L0,0ZM10,30L10,30Z');
  });

  it('keeps the line whole across readings a minute apart in 10 s buckets (silence under five minutes)', () => {
    const points = [0, 60_000, 120_000, 420_001].map((t) => p(t, 1));
    expect(chartPaths(points, (t) => t / 1000, () => 0, 10_000, false).avg).toBe('M0,0L60,0L120,0M420,0h3');
  });

  it('draws booleans as a step line of each bucket’s max, to the end of the last bucket', () => {
    const paths = chartPaths([p(0, 0.2, 0, 1), p(10, 0, 0, 0)], (t) => t, (v) => 100 - v * 100, 10, true);
    expect(paths).toEqual({ avg: 'M0,0H10V100H20', band: '' });
  });
});

describe('axes', () => {
  const H = 3600_000;
  const at = (iso: string) => Date.parse(iso);

  it('puts time ticks on round local times', () => {
    // 1 h from 02:07 UTC = 10:07 in Shanghai: every 10 min from 10:10.
    const ticks = timeTicks(at('2026-11-27T02:07:00Z'), at('2026-11-27T03:07:00Z'), 8 * H);
    expect(ticks[0]).toBe(at('2026-11-27T02:10:00Z'));
    expect(ticks).toHaveLength(6);
    // 7 d: one a day, at local midnight (16:00 UTC).
    const week = timeTicks(at('2026-11-20T02:07:00Z'), at('2026-11-27T02:07:00Z'), 8 * H);
    expect(week).toHaveLength(7);
    expect(new Date(week[0]!).toISOString()).toBe('2026-11-20T16:00:00.000Z');
  });

  it.each([
    { lo: 36, hi: 84, ticks: [40, 50, 60, 70, 80] },
    { lo: 0.08, hi: 0.72, ticks: [0.2, 0.4, 0.6] },
    { lo: -0.1, hi: 1.1, ticks: [0, 0.25, 0.5, 0.75, 1] },
  ])('values $lo … $hi → $ticks', ({ lo, hi, ticks }) => {
    expect(valueTicks(lo, hi)).toEqual(ticks);
  });
});

describe(nearestPoint.name, () => {
  const points = [0, 10, 20, 60].map((t) => ({ t, avg: t, min: t, max: t, count: 1 }));
  it.each([
    { t: -3, found: 0 },
    { t: 4, found: 0 },
    { t: 6, found: 10 },
    { t: 59, found: 60 },
    { t: 40, found: undefined }, // 20 away from either: beyond maxMs
    { t: 76, found: undefined },
  ])('t=$t → $found', ({ t, found }) => {
    expect(nearestPoint(points, t, 15)?.t).toBe(found);
  });
  it('finds nothing in an empty series', () => expect(nearestPoint([], 5, 100)).toBeUndefined());
});

describe('list helpers', () => {
  const now = Date.parse('2026-11-27T10:00:00Z');
  it.each([
    { at: '2026-11-27T09:50:00Z', stale: false }, // exactly ten minutes: still fresh
    { at: '2026-11-27T09:49:59Z', stale: true },
    { at: undefined, stale: false }, // never reported: 无读数 says so already
  ])('readings at $at → stale $stale', ({ at, stale }) => {
    expect(isStale(at, now)).toBe(stale);
  });

  it('walks the list with ↑/↓ and stays at its ends', () => {
    const ids = ['a', 'b', 'c'];
    expect([neighbourId(ids, 'b', 1), neighbourId(ids, 'c', 1), neighbourId(ids, 'a', -1), neighbourId(ids, 'x', 1), neighbourId([], 'a', 1)]).toEqual(['c', 'c', 'a', 'a', undefined]);
  });
});
