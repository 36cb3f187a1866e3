import { describe, expect, it } from 'vitest';
import { hashSeed, seededRandom } from '../common/random';
import { SensorModel } from './sensor-model';
import { loadSiteFile } from '../site-files';

const site = loadSiteFile();

describe(SensorModel.name, () => {
  // The demo must raise no threshold alert until a scenario asks for one (CONTRACT §4 sensor.threshold).
  it.each(site.sensors.map((s) => ({ id: s.id, limits: s.limits })))('$id stays inside its limits for a week of heartbeats', ({ id, limits }) => {
    const model = new SensorModel(limits, {}, seededRandom(hashSeed(id)));
    const outside: string[] = [];
    for (let beat = 0; beat < 7 * 24 * 120; beat++) {
      const readings = model.step();
      for (const [name, limit] of Object.entries(limits)) {
        const value = readings[name];
        const bad =
          value === undefined ||
          (limit.equals !== undefined && value === limit.equals) ||
          (limit.min !== undefined && (value as number) < limit.min + limit.hysteresis) ||
          (limit.max !== undefined && (value as number) > limit.max - limit.hysteresis);
        if (bad) outside.push(`beat ${beat}: ${name} = ${String(value)}`);
      }
    }
    expect(outside.slice(0, 5)).toEqual([]);
  });

  it('keeps a boiler at a plausible 60–70 °C', () => {
    const boiler = site.sensors.find((s) => s.id === 'boiler-1')!;
    const model = new SensorModel(boiler.limits, {}, seededRandom(1));
    const temps = Array.from({ length: 2000 }, () => model.step().temperature_c as number);
    expect(Math.min(...temps)).toBeGreaterThanOrEqual(60);
    expect(Math.max(...temps)).toBeLessThanOrEqual(70);
  });

  it('holds a pinned reading until released', () => {
    const model = new SensorModel({ leak: { equals: true, forSec: 0, hysteresis: 0, severity: 'critical' } }, {}, seededRandom(2));
    model.set('leak', true);
    expect(model.step().leak).toBe(true);
    model.release('leak');
    expect(model.step().leak).toBe(false);
  });
});
