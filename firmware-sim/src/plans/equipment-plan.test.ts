import { describe, expect, it } from 'vitest';
import { parseDevicePayload } from '@estate-watch/contracts';
import type { EstateEvent } from './estate-day';
import { planEquipment } from './equipment-plan';
import { addDays } from '../common/local-time';
import { hashSeed, seededRandom } from '../common/random';
import { SensorModel, type Reading } from '../devices/sensor-model';
import { loadSiteFile } from '../site-files';
import { formatTs } from '../common/time';

const site = loadSiteFile();
const tz = site.site.timezone;
type SensorEvent = Extract<EstateEvent, { kind: 'sensor' }>;
const month = (seed: number) => Array.from({ length: 30 }, (_, d) => planEquipment(site, addDays('2026-11-01', d), seed)).flat() as SensorEvent[];
const hhmm = (at: number) => formatTs(at, tz).slice(11, 16);

/** Readings as the device would report them every 30 s, the model driven by the plan (steer, pin, release). */
function heartbeats(sensorId: string, events: SensorEvent[]): Array<{ at: number; readings: Record<string, Reading>; pinned: boolean }> {
  const cfg = site.sensors.find((s) => s.id === sensorId)!;
  const model = new SensorModel(cfg.limits, {}, seededRandom(hashSeed(sensorId)));
  const mine = events.filter((e) => e.device === sensorId);
  const out = [];
  const pins = new Set<string>();
  let k = 0;
  const start = Date.parse('2026-11-01T00:00:00+08:00');
  for (let at = start; at < start + 7 * 86_400_000; at += 30_000) {
    for (; k < mine.length && mine[k]!.at <= at; k++) {
      const e = mine[k]!;
      if (e.action === 'steer') for (const [n, v] of Object.entries(e.readings)) model.steer(n, v);
      if (e.action === 'pin') (model.set(e.name, e.value), pins.add(e.name));
      if (e.action === 'release') (model.release(e.name), pins.delete(e.name));
    }
    out.push({ at, readings: model.step(), pinned: pins.size > 0 });
  }
  return out;
}

function outside(sensorId: string, readings: Record<string, Reading>): string[] {
  const cfg = site.sensors.find((s) => s.id === sensorId)!;
  return Object.entries(cfg.limits).flatMap(([name, l]) => {
    const v = readings[name];
    const bad = (l.equals !== undefined && v === l.equals) || (typeof v === 'number' && ((l.max !== undefined && v > l.max) || (l.min !== undefined && v < l.min)));
    return bad ? [name] : [];
  });
}

describe(planEquipment.name, () => {
  const events = month(4);

  it.each(site.sensors.map((s) => s.id))('keeps %s inside its limits for a week of heartbeats, except during the planned excursions', (id) => {
    const beats = heartbeats(id, events);
    for (const b of beats) if (!b.pinned) expect(outside(id, b.readings), `${id} at ${formatTs(b.at, tz)}`).toEqual([]);
  });

  it('cycles with the day: boilers hotter and the domestic pump faster at the peaks, elevators busier', () => {
    const at = (id: string, time: string, name: string) =>
      events.find((e) => e.device === id && e.action === 'steer' && hhmm(e.at) === time && e.at < Date.parse('2026-11-02T00:00:00+08:00'))!;
    const v = (id: string, time: string, name: string) => (at(id, time, name) as Extract<SensorEvent, { action: 'steer' }>).readings[name] as number;
    expect(v('boiler-1', '07:00', 'temperature_c')).toBeGreaterThan(v('boiler-1', '03:00', 'temperature_c') + 8);
    expect(v('pump-domestic', '19:00', 'frequency_hz')).toBeGreaterThan(v('pump-domestic', '03:00', 'frequency_hz') + 15);
    expect(v('elevator-b3-1', '08:00', 'trips_per_hour')).toBeGreaterThan(5 * v('elevator-b3-1', '03:00', 'trips_per_hour'));
  });

  it('overheats a boiler above its max for longer than forSec now and then, reported every 30 s', () => {
    const temp = site.sensors.find((s) => s.id === 'boiler-1')!.limits.temperature_c!;
    const spells = ['boiler-1', 'boiler-2'].flatMap((id) => {
      const mine = events.filter((e) => e.device === id && 'name' in e && e.name === 'temperature_c');
      return mine.flatMap((e, i) => (e.action === 'pin' && (i === 0 || mine[i - 1]!.action === 'release') ? [mine.slice(i, mine.findIndex((x, j) => j > i && x.action === 'release') + 1)] : []));
    });
    expect(spells.length).toBeGreaterThanOrEqual(8);
    expect(spells.length).toBeLessThanOrEqual(30);
    for (const spell of spells) {
      const pins = spell.filter((e) => e.action === 'pin') as Array<Extract<SensorEvent, { action: 'pin' }>>;
      for (const p of pins) expect(p.value).toBeGreaterThan(temp.max!);
      expect(spell.at(-1)!.at - spell[0]!.at).toBeGreaterThan(temp.forSec * 1000 * 2);
    }
  });

  it('has leaks that stop, pumps that go offline and come back, faults that clear with their code', () => {
    const count = (action: string, match: (e: SensorEvent) => boolean = () => true) => events.filter((e) => e.action === action && match(e)).length;
    const leaks = count('pin', (e) => e.action === 'pin' && e.name === 'leak' && e.value === true);
    expect(leaks).toBeGreaterThanOrEqual(5);
    expect(count('release', (e) => e.action === 'release' && e.name === 'leak')).toBe(leaks);
    expect(count('offline')).toBeGreaterThanOrEqual(5);
    expect(count('online')).toBe(count('offline'));
    for (const e of events.filter((x) => x.action === 'offline')) expect(e.device).toMatch(/^pump/);
    const faults = events.filter((e) => e.action === 'fault') as Array<Extract<SensorEvent, { action: 'fault' }>>;
    expect(faults.length).toBeGreaterThanOrEqual(10);
    for (const f of faults) {
      const cleared = events.find((e) => e.device === f.device && e.action === 'fault_cleared' && e.at > f.at)!;
      expect(cleared).toMatchObject({ code: f.code });
      expect(cleared.at - f.at).toBeLessThanOrEqual(45 * 60_000);
    }
  });

  it('plans the same incidents for a seed, other ones for another seed', () => {
    const incidents = (list: SensorEvent[]) => list.filter((e) => e.action !== 'steer').map((e) => JSON.stringify(e));
    expect(incidents(month(4))).toEqual(incidents(events));
    expect(incidents(month(5))).not.toEqual(incidents(events));
  });

  it('sends valid sensor payloads', () => {
    for (const e of events.filter((_, i) => i % 50 === 0 || events[i]!.action !== 'steer')) {
      const ts = formatTs(e.at, tz);
      const body =
        e.action === 'steer' ? { readings: e.readings } : e.action === 'pin' ? { readings: { [e.name]: e.value } } : e.action === 'fault' ? { type: 'fault', code: e.code, text: e.text } : e.action === 'fault_cleared' ? { type: 'fault_cleared', code: e.code } : undefined;
      if (!body) continue;
      const parsed = parseDevicePayload('sensor', 'type' in body ? 'event' : 'telemetry', JSON.stringify({ id: 'b-1', ts, ...body }), new Date(e.at));
      expect(parsed.ok, JSON.stringify(body)).toBe(true);
    }
  });
});
