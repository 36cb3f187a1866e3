// Pure rules behind the devices store: identity, filtering, ordering and the one-line summary
// of a device's last values. No Vue, no I/O: unit-tested.
import type { DeviceDto, DeviceKind } from '@estate-watch/contracts';

export interface DeviceFilter {
  kind: DeviceKind | 'all';
  online: 'all' | 'online' | 'offline';
  /** Find by name (or id), case- and width-insensitive; empty matches every device. */
  text?: string;
}

/** Device ids are unique within a site only (CONTRACT §1). */
export function deviceKey(device: Pick<DeviceDto, 'siteId' | 'id'>): string {
  return `${device.siteId}:${device.id}`;
}

export function matchesDeviceFilter(device: DeviceDto, filter: DeviceFilter): boolean {
  if (filter.kind !== 'all' && device.kind !== filter.kind) return false;
  const text = normalise(filter.text ?? '');
  if (text && !normalise(device.name).includes(text) && !normalise(device.id).includes(text)) return false;
  if (filter.online === 'online') return device.online;
  if (filter.online === 'offline') return !device.online;
  return true;
}

/** NFKC folds full-width letters and digits (Ａ１ → a1), as an IME types them. */
const normalise = (s: string) => s.normalize('NFKC').trim().toLowerCase();

const KIND_ORDER: Record<DeviceKind, number> = { gate: 0, sensor: 1, dispenser: 2, checkpoint: 3 };

/** Offline devices first (they need someone), then by kind and name. */
export function compareDevices(a: DeviceDto, b: DeviceDto): number {
  if (a.online !== b.online) return a.online ? 1 : -1;
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id);
}

export interface ValueItem {
  /** Metric or field name as the device sent it. */
  key: string;
  /** The name without its unit suffix (`temperature_c` → `temperature`): what i18n labels. */
  base: string;
  /** Unit read from the suffix, ready to append (`℃`, ` MPa`, `%`), or ''. */
  unit: string;
  value: string;
}

/** Metric names carry their unit as a suffix by convention (`_c`, `_mpa`, `_pct`). */
const UNITS: Record<string, string> = {
  c: '°C', f: '°F', pct: '%', mpa: ' MPa', kpa: ' kPa', pa: ' Pa', hz: ' Hz', cm: ' cm', mm: ' mm', m: ' m',
  kw: ' kW', kwh: ' kWh', v: ' V', a: ' A', ppm: ' ppm', lux: ' lx', rpm: ' rpm', db: ' dB',
};

export function splitUnit(key: string): { base: string; unit: string } {
  if (key === 'level') return { base: key, unit: '%' }; // dispenser level is a percentage (CONTRACT §1)
  const at = key.lastIndexOf('_');
  const suffix = at > 0 ? key.slice(at + 1) : '';
  return suffix in UNITS ? { base: key.slice(0, at), unit: UNITS[suffix]! } : { base: key, unit: '' };
}

const ENVELOPE = new Set(['id', 'ts', 'type', 'online', 'fw', 'battery', 'rssi']);

/**
 * Flattens the last telemetry (sensor `readings` included) into at most `max` name/value
 * pairs; the event stream adds its `type`. Status fields have their own columns.
 */
export function summarizeValues(lastValues: Record<string, unknown>, max = 4): ValueItem[] {
  const items: ValueItem[] = [];
  const telemetry = asRecord(lastValues.telemetry);
  if (telemetry) {
    const readings = asRecord(telemetry.readings);
    const fields = readings ? { ...telemetry, ...readings } : telemetry;
    for (const [key, value] of Object.entries(fields)) {
      if (ENVELOPE.has(key) || key === 'readings') continue;
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
        const unit = typeof value === 'number' ? splitUnit(key) : { base: key, unit: '' };
        items.push({ key, ...unit, value: typeof value === 'number' ? formatNumber(value) : String(value) });
      }
    }
  }
  const event = asRecord(lastValues.event);
  if (event && typeof event.type === 'string') items.push({ key: 'event', base: 'event', unit: '', value: event.type });
  return items.slice(0, max);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
