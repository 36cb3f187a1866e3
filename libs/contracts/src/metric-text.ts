// Issue 12.2–3 — the metric vocabulary: how a sensor reading (CONTRACT §1 `readings`, keys with
// a unit suffix such as `temperature_c`) reads to a person, per language. A metric this list does
// not know reads as its key with spaces ("motor current"), never as `motor_current_a`.
import type { Language } from './labels';

/** The limit fields a sentence quotes (CONTRACT §2 `limits`). */
export interface LimitText {
  min?: number;
  max?: number;
  equals?: boolean | number;
  forSec?: number;
}

const UNITS: Record<string, string> = {
  c: ' °C', f: ' °F', pct: '%', mpa: ' MPa', kpa: ' kPa', pa: ' Pa', hz: ' Hz', cm: ' cm', mm: ' mm', m: ' m',
  kw: ' kW', kwh: ' kWh', v: ' V', a: ' A', ppm: ' ppm', lux: ' lx', rpm: ' rpm', db: ' dB',
};

export const METRIC_NAMES: Record<Language, Record<string, string>> = {
  'zh-CN': {
    level: '余量', barrier: '道闸', fault: '故障码', event: '事件', temperature: '温度', cabin_temp: '轿厢温度',
    return_temp: '回水温度', motor_temp: '电机温度', pressure: '压力', outlet_pressure: '出口压力', water_level: '水位',
    frequency: '频率', humidity: '湿度', leak: '漏水', running: '运行', trapped: '困人', door_open: '开门', burner_on: '燃烧器',
  },
  en: {
    level: 'Level', barrier: 'Barrier', fault: 'Fault code', event: 'Event', temperature: 'Temperature', cabin_temp: 'Cabin temperature',
    return_temp: 'Return temperature', motor_temp: 'Motor temperature', pressure: 'Pressure', outlet_pressure: 'Outlet pressure',
    water_level: 'Water level', frequency: 'Frequency', humidity: 'Humidity', leak: 'Leak', running: 'Running',
    trapped: 'Passenger trapped', door_open: 'Door open', burner_on: 'Burner',
  },
};

/** Boolean readings in words: `trapped = true` is "困人" / "Passenger trapped". */
export const METRIC_STATES: Record<Language, Record<string, { true: string; false: string }>> = {
  'zh-CN': {
    leak: { true: '漏水', false: '无漏水' },
    running: { true: '运行', false: '停止' },
    trapped: { true: '困人', false: '无困人' },
    door_open: { true: '开门', false: '关门' },
    burner_on: { true: '点火', false: '熄火' },
  },
  en: {
    leak: { true: 'Leak', false: 'No leak' },
    running: { true: 'Running', false: 'Stopped' },
    trapped: { true: 'Passenger trapped', false: 'No one trapped' },
    door_open: { true: 'Door open', false: 'Door closed' },
    burner_on: { true: 'Burner on', false: 'Burner off' },
  },
};

const YES_NO: Record<Language, { true: string; false: string }> = { 'zh-CN': { true: '是', false: '否' }, en: { true: 'yes', false: 'no' } };

/** `temperature_c` → base `temperature`, unit " °C"; `level` is a dispenser percentage (CONTRACT §1). */
export function splitMetric(key: string): { base: string; unit: string } {
  if (key === 'level') return { base: key, unit: '%' };
  const at = key.lastIndexOf('_');
  const suffix = at > 0 ? key.slice(at + 1) : '';
  return suffix in UNITS ? { base: key.slice(0, at), unit: UNITS[suffix]! } : { base: key, unit: '' };
}

export function metricName(key: string, lang: Language): string {
  const { base } = splitMetric(key);
  const known = METRIC_NAMES[lang][base];
  if (known) return known;
  const words = base.replace(/_/g, ' ');
  return lang === 'en' ? words.charAt(0).toUpperCase() + words.slice(1) : words;
}

/** "92 °C", "0.45 MPa", "漏水" / "是". */
export function metricReading(key: string, value: number | boolean, lang: Language): string {
  if (typeof value === 'boolean') {
    const { base } = splitMetric(key);
    return (METRIC_STATES[lang][base] ?? YES_NO[lang])[String(value) as 'true' | 'false'];
  }
  return `${formatNumber(value)}${splitMetric(key).unit}`;
}

/** The default title of a limit the site file gives no name: "温度 92 °C，高于上限 85 °C". */
export function readingAgainstLimit(key: string, value: number | boolean, breach: 'min' | 'max' | 'equals' | undefined, limit: LimitText, lang: Language): string {
  const zh = lang === 'zh-CN';
  if (typeof value === 'boolean' || typeof limit.equals === 'boolean') {
    const { base } = splitMetric(key);
    const states = METRIC_STATES[lang][base];
    // A named state says it all ("漏水"); otherwise "running: yes".
    if (states && typeof value === 'boolean') return states[String(value) as 'true' | 'false'];
    return `${metricName(key, lang)}${zh ? '：' : ': '}${metricReading(key, value, lang)}`;
  }
  const name = metricName(key, lang);
  const reading = metricReading(key, value, lang);
  if (breach === 'max' && limit.max !== undefined) {
    return zh ? `${name} ${reading}，高于上限 ${metricReading(key, limit.max, lang)}` : `${name} ${reading}, above the ${metricReading(key, limit.max, lang)} limit`;
  }
  if (breach === 'min' && limit.min !== undefined) {
    return zh ? `${name} ${reading}，低于下限 ${metricReading(key, limit.min, lang)}` : `${name} ${reading}, below the ${metricReading(key, limit.min, lang)} limit`;
  }
  if (typeof limit.equals === 'number') {
    return zh ? `${name} ${reading}，等于告警值` : `${name} ${reading}, the alarm value`;
  }
  return `${name} ${reading}`;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2)));
}
