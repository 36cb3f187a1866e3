import { describe, expect, it } from 'vitest';
import type { DeviceDto } from '@estate-watch/contracts';
import { compareDevices, deviceKey, matchesDeviceFilter, splitUnit, summarizeValues } from './device-logic';

const device = (over: Partial<DeviceDto> = {}): DeviceDto => ({
  siteId: 'lakeside',
  timezone: 'Asia/Shanghai',
  id: 'boiler-1',
  kind: 'sensor',
  name: '1号锅炉',
  online: true,
  lastValues: {},
  rejectedCount: 0,
  ...over,
});

describe('devices', () => {
  it('are keyed by site and id, since ids are unique within a site only', () => {
    expect(deviceKey(device())).toBe('lakeside:boiler-1');
    expect(deviceKey(device({ siteId: 'other' }))).not.toBe(deviceKey(device()));
  });

  it.each([
    { filter: { kind: 'all', online: 'all' }, online: false, kind: 'gate', shown: true },
    { filter: { kind: 'gate', online: 'all' }, online: true, kind: 'sensor', shown: false },
    { filter: { kind: 'all', online: 'offline' }, online: true, kind: 'gate', shown: false },
    { filter: { kind: 'gate', online: 'offline' }, online: false, kind: 'gate', shown: true },
  ] as const)('filter $filter.kind/$filter.online, device $kind online=$online → $shown', ({ filter, online, kind, shown }) => {
    expect(matchesDeviceFilter(device({ online, kind }), filter)).toBe(shown);
  });

  it.each([
    { text: '', name: '1号锅炉', id: 'boiler-1', shown: true },
    { text: '锅炉', name: '1号锅炉', id: 'boiler-1', shown: true },
    { text: 'BOILER', name: '1号锅炉', id: 'boiler-1', shown: true },
    { text: '１号', name: '1号锅炉', id: 'boiler-1', shown: true },
    { text: '  锅炉 ', name: '1号锅炉', id: 'boiler-1', shown: true },
    { text: '电梯', name: '1号锅炉', id: 'boiler-1', shown: false },
  ])('find "$text" in $name ($id) → $shown', ({ text, name, id, shown }) => {
    expect(matchesDeviceFilter(device({ name, id }), { kind: 'all', online: 'all', text })).toBe(shown);
  });

  it('list offline devices first, then by kind and name', () => {
    const list = [
      device({ id: 'cp', kind: 'checkpoint', name: 'A' }),
      device({ id: 'gate', kind: 'gate', name: 'B' }),
      device({ id: 'down', kind: 'checkpoint', name: 'C', online: false }),
    ].sort(compareDevices);
    expect(list.map((d) => d.id)).toEqual(['down', 'gate', 'cp']);
  });
});

describe(summarizeValues.name, () => {
  it('flattens sensor readings and skips envelope fields', () => {
    const summary = summarizeValues({
      telemetry: { id: 'm1', ts: '2026-11-27T09:00:00Z', readings: { temperature_c: 61.25, leak: false } },
    });
    expect(summary).toEqual([
      { key: 'temperature_c', base: 'temperature', unit: '°C', value: '61.3' },
      { key: 'leak', base: 'leak', unit: '', value: 'false' },
    ]);
  });

  it('shows dispenser level and the last event type, capped at max items', () => {
    expect(summarizeValues({ telemetry: { level: 45, battery: 80 }, event: { type: 'refill' } })).toEqual([
      { key: 'level', base: 'level', unit: '%', value: '45' },
      { key: 'event', base: 'event', unit: '', value: 'refill' },
    ]);
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`m${i}`, i]));
    expect(summarizeValues({ telemetry: { readings: many } }, 3)).toHaveLength(3);
  });

  it('tolerates missing or malformed values', () => {
    expect(summarizeValues({})).toEqual([]);
    expect(summarizeValues({ telemetry: 'nope', event: null })).toEqual([]);
  });
});

describe(splitUnit.name, () => {
  it.each([
    { key: 'temperature_c', base: 'temperature', unit: '°C' },
    { key: 'outlet_pressure_mpa', base: 'outlet_pressure', unit: ' MPa' },
    { key: 'water_level_cm', base: 'water_level', unit: ' cm' },
    { key: 'level', base: 'level', unit: '%' },
    { key: 'door_open', base: 'door_open', unit: '' }, // "open" is not a unit
    { key: 'c', base: 'c', unit: '' }, // a bare suffix is a name
  ])('$key → $base + "$unit"', ({ key, base, unit }) => {
    expect(splitUnit(key)).toEqual({ base, unit });
  });
});
