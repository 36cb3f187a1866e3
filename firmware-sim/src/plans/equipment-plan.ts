// Equipment over one site-local day: daily cycles (boilers heat harder for the morning and evening
// hot-water demand, the domestic pump's frequency follows water use, elevators make more trips
// at the peaks, cabins warm in the afternoon), and seeded incidents: a boiler overheating past its
// max for longer than forSec, a leak for some minutes, a pump losing power (last will) and coming
// back, a fault event with a code and its fault_cleared. Pure, like planDay.
import type { SensorLimit, SiteConfig } from '@estate-watch/contracts';
import { byHour, firstMinute, localDay, MIN, type EstateEvent, type LocalDay, type SensorAction } from './estate-day';
import { hashSeed, seededRandom, type Random } from '../common/random';

type SensorConfig = SiteConfig['sensors'][number];

export interface EquipmentRates {
  /** Chance a day that a boiler overheats above its temperature max for 3–6 × forSec. */
  overheat: number;
  /** Chance a day that a leak detector sees water for 5–20 min. */
  leak: number;
  /** Chance a day that a pump loses power for 4–12 min (its last will tells the server). */
  offline: number;
  /** Chance a day that a sensor reports a fault with a code, cleared 10–45 min later. */
  fault: number;
}

export const DEFAULT_EQUIPMENT_RATES: Readonly<EquipmentRates> = { overheat: 0.3, leak: 0.25, offline: 0.25, fault: 0.1 };

export interface EquipmentOptions {
  rates?: Partial<EquipmentRates>;
  /** Plan from this instant on; default the whole day. */
  from?: number;
}

/** The daily cycle is re-steered this often; the device's own heartbeats add noise in between. */
const STEER_EVERY_MIN = 10;
/** During an excursion the pinned reading is reported this often, so forSec is seen to pass. */
const EXCURSION_STEP_MS = 30_000;

/** Hot-water demand and water use, 0–1: peaks 06:30–08:30 and 18:00–22:00. */
const DEMAND = byHour([['00:00', 0.1], ['05:30', 0.4], ['06:30', 1], ['08:30', 0.5], ['11:00', 0.6], ['13:30', 0.4], ['18:00', 1], ['22:00', 0.5], ['23:00', 0.2]]);
/** Elevator trips an hour: leaving for work, coming home. */
const TRIPS = byHour([['00:00', 4], ['06:00', 30], ['07:00', 110], ['09:00', 45], ['12:00', 55], ['14:00', 40], ['17:30', 120], ['20:00', 60], ['22:30', 15]]);

const FAULTS: Array<{ match: RegExp; codes: Array<readonly [string, string]> }> = [
  { match: /^boiler/, codes: [['E21', '点火失败'], ['E05', '缺水保护'], ['E33', '烟道温度高']] },
  { match: /^pump/, codes: [['E-VFD-OC', '变频器过流'], ['E-PHASE', '电源缺相']] },
  { match: /^elevator/, codes: [['E-DOOR', '门锁回路故障'], ['E-LEVEL', '平层误差超限']] },
  { match: /^leak/, codes: [['E-BATT', '电池电压低'], ['E-PROBE', '探头脏污']] },
];

export function planEquipment(site: SiteConfig, date: string, seed: number, options: EquipmentOptions = {}): EstateEvent[] {
  const rates = { ...DEFAULT_EQUIPMENT_RATES, ...options.rates };
  const day = localDay(date, site.site.timezone);
  const first = firstMinute(day, options.from);
  const events: EstateEvent[] = [];
  for (const sensor of site.sensors) {
    const random = seededRandom(hashSeed(`${site.site.id}|${date}|${sensor.id}|equipment`, seed));
    const emit = (at: number, action: SensorAction) => {
      if (options.from === undefined || at >= options.from) events.push({ at, siteId: site.site.id, device: sensor.id, kind: 'sensor', ...action } as EstateEvent);
    };
    for (let m = first - (first % STEER_EVERY_MIN); m < 24 * 60; m += STEER_EVERY_MIN) {
      const readings = cycle(sensor, m, day.weekend);
      if (Object.keys(readings).length > 0) emit(day.at(m) + 5000, { action: 'steer', readings });
    }
    incidents(sensor, day, rates, random, emit);
  }
  return events.sort((a, b) => a.at - b.at);
}

/** Where the daily cycle puts a sensor's metrics at minute `m`. */
export function cycle(sensor: SensorConfig, m: number, weekend: boolean): Record<string, number | boolean> {
  const demand = DEMAND(m);
  const { id, limits } = sensor;
  if (id.startsWith('boiler')) {
    const temp = inside(limits.temperature_c, 56 + 14 * demand);
    return { temperature_c: temp, return_temp_c: temp - 12, pressure_mpa: inside(limits.pressure_mpa, 0.38 + 0.08 * demand), burner_on: demand >= 0.4 };
  }
  if (id.startsWith('pump')) {
    if (!limits.outlet_pressure_mpa) return { pressure_mpa: inside(limits.pressure_mpa, 0.62) };
    const hz = 26 + 22 * demand;
    return { frequency_hz: hz, outlet_pressure_mpa: inside(limits.outlet_pressure_mpa, 0.42), motor_temp_c: inside(limits.motor_temp_c, 36 + (hz - 26) * 0.9), running: true };
  }
  if (id.startsWith('elevator')) {
    const trips = TRIPS(m) * (weekend ? 0.7 : 1);
    // Warmest mid-afternoon, coolest before dawn; busier cabins are warmer.
    const hour = m / 60;
    const cabin = 22 + 4 * Math.cos(((hour - 15) / 24) * 2 * Math.PI) + trips / 60;
    return { trips_per_hour: Math.round(trips), cabin_temp_c: inside(limits.cabin_temp_c, cabin), running: true };
  }
  return {};
}

/** `value` kept clear of the limit and its hysteresis band, so the cycle alone never raises. */
function inside(limit: SensorLimit | undefined, value: number): number {
  if (!limit) return value;
  const margin = limit.hysteresis * 2;
  const lo = limit.min !== undefined ? limit.min + margin : -Infinity;
  const hi = limit.max !== undefined ? limit.max - margin : Infinity;
  return Math.round(Math.min(hi, Math.max(lo, value)) * 1000) / 1000;
}

function incidents(sensor: SensorConfig, day: LocalDay, rates: EquipmentRates, random: Random, emit: (at: number, action: SensorAction) => void): void {
  // Always the same number of draws, so one rate does not shift another's timing.
  const [overheat, leak, offline, fault, when1, when2, when3, when4, len1, len2, len3, len4, which] = Array.from({ length: 13 }, () => random());
  const temp = sensor.limits.temperature_c;
  if (temp?.max !== undefined && overheat! < rates.overheat) {
    const start = day.at(600 + when1! * 720);
    const end = start + Math.max(3 * temp.forSec * 1000, 3 * MIN) + len1! * 3 * Math.max(temp.forSec * 1000, MIN);
    for (let t = start, k = 0; t < end; t += EXCURSION_STEP_MS, k++) emit(t, { action: 'pin', name: 'temperature_c', value: Math.round((temp.max + 1 + Math.min(k, 6) * 0.5 + random()) * 10) / 10 });
    emit(end, { action: 'release', name: 'temperature_c' });
  }
  const leakLimit = sensor.limits.leak;
  if (leakLimit?.equals === true && leak! < rates.leak) {
    const start = day.at(when2! * 24 * 60);
    const end = start + (5 + len2! * 15) * MIN;
    const level = sensor.limits.water_level_cm;
    emit(start, { action: 'pin', name: 'leak', value: true });
    if (level?.max !== undefined) {
      // The sump fills while the water runs, staying under its own alarm level.
      for (let t = start + MIN, k = 1; t < end; t += MIN, k++) emit(t, { action: 'pin', name: 'water_level_cm', value: Math.round(Math.min(level.max - level.hysteresis * 2, 14 + k * 2.5 + random() * 2)) });
      emit(end + 5 * MIN, { action: 'release', name: 'water_level_cm' });
    }
    emit(end, { action: 'release', name: 'leak' });
  }
  if (sensor.id.startsWith('pump') && offline! < rates.offline) {
    const start = day.at(when3! * 24 * 60);
    emit(start, { action: 'offline' });
    emit(start + (4 + len3! * 8) * MIN, { action: 'online' });
  }
  const codes = FAULTS.find((f) => f.match.test(sensor.id))?.codes;
  if (codes && fault! < rates.fault) {
    const [code, text] = codes[Math.floor(which! * codes.length)]!;
    const start = day.at(360 + when4! * 960);
    emit(start, { action: 'fault', code, text });
    emit(start + (10 + len4! * 35) * MIN, { action: 'fault_cleared', code });
  }
}
