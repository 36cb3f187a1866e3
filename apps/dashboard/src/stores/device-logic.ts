// Pure rules behind the devices store: identity, filtering, ordering and the one-line summary
// of a device's last values. No Vue, no I/O: unit-tested.
import type { DeviceDto, DeviceKind } from '@estate-watch/contracts';

export interface DeviceFilter {
  kind: DeviceKind | 'all';
  online: 'all' | 'online' | 'offline';
}

/** Device ids are unique within a site only (CONTRACT §1). */
export function deviceKey(device: Pick<DeviceDto, 'siteId' | 'id'>): string {
  return `${device.siteId}:${device.id}`;
}

export function matchesDeviceFilter(device: DeviceDto, filter: DeviceFilter): boolean {
  if (filter.kind !== 'all' && device.kind !== filter.kind) return false;
  if (filter.online === 'online') return device.online;
  if (filter.online === 'offline') return !device.online;
  return true;
}

const KIND_ORDER: Record<DeviceKind, number> = { gate: 0, sensor: 1, dispenser: 2, checkpoint: 3 };

/** Offline devices first (they need someone), then by kind and name. */
export function compareDevices(a: DeviceDto, b: DeviceDto): number {
  if (a.online !== b.online) return a.online ? 1 : -1;
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id);
}

export interface ValueItem {
  /** Metric or field name as the device sent it (i18n may have a label for it). */
  key: string;
  value: string;
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
        items.push({ key, value: typeof value === 'number' ? formatNumber(value) : String(value) });
      }
    }
  }
  const event = asRecord(lastValues.event);
  if (event && typeof event.type === 'string') items.push({ key: 'event', value: event.type });
  return items.slice(0, max);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
