import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { acceptFast, isLastWill } from './payload-fast-path';
import {
  CheckpointTapSchema,
  DeviceStatusSchema,
  DispenserEventSchema,
  DispenserTelemetrySchema,
  GateAckSchema,
  GateEventSchema,
  GateTelemetrySchema,
  LastWillSchema,
  parseDevicePayload,
  SensorEventSchema,
  SensorTelemetrySchema,
} from './payloads';
import type { DeviceKind, UpstreamStream } from './topics';

// The fast path must answer exactly as the zod schema does (payload-fast-path.ts): the same object
// for what zod accepts, and nothing (so zod answers, with its message) for what it refuses.
const SCHEMAS: Record<DeviceKind, Partial<Record<UpstreamStream, z.ZodType>>> = {
  checkpoint: { event: CheckpointTapSchema, status: DeviceStatusSchema },
  gate: { event: GateEventSchema, telemetry: GateTelemetrySchema, status: DeviceStatusSchema, ack: GateAckSchema },
  dispenser: { event: DispenserEventSchema, telemetry: DispenserTelemetrySchema, status: DeviceStatusSchema },
  sensor: { event: SensorEventSchema, telemetry: SensorTelemetrySchema, status: DeviceStatusSchema },
};

const env = { id: 'm-1', ts: '2026-11-27T09:31:05.120+08:00' };
type Json = Record<string, unknown>;
interface Base {
  name: string;
  kind: DeviceKind;
  stream: UpstreamStream;
  payload: Json;
}

// One valid payload of each pair with a fast path, with every optional field present.
const bases: Base[] = [
  { name: 'tap', kind: 'checkpoint', stream: 'event', payload: { ...env, type: 'tap', card: '04A1B2C3D4E5F6' } },
  { name: 'gate pass', kind: 'gate', stream: 'event', payload: { ...env, type: 'pass', direction: 'in', plate: '沪A12345', credential: 'plate' } },
  { name: 'gate denied', kind: 'gate', stream: 'event', payload: { ...env, type: 'denied', direction: 'out', plate: '沪B0000', reason: 'blacklist' } },
  { name: 'gate telemetry', kind: 'gate', stream: 'telemetry', payload: { ...env, barrier: 'fault', fault: 'E12' } },
  { name: 'level', kind: 'dispenser', stream: 'telemetry', payload: { ...env, level: 42.5, battery: 100 } },
  { name: 'readings', kind: 'sensor', stream: 'telemetry', payload: { ...env, readings: { temperature_c: 71.5, leak: false, z9_: -3 } } },
  { name: 'status', kind: 'sensor', stream: 'status', payload: { ...env, online: true, fw: '1.2.0', battery: 88, rssi: -61 } },
  { name: 'checkpoint status', kind: 'checkpoint', stream: 'status', payload: { ...env, online: false } },
];

// Values each field is also tried with: wrong types, the bounds either side, the edges of lengths.
const VALUES: unknown[] = [
  null, true, false, 0, -0, 1, -1, 100, 100.0001, -0.0001, 101, -200, -200.5, 64, 1e999, Infinity, NaN, [], {}, [1], '',
  'x', 'x'.repeat(16), 'x'.repeat(17), 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(200), 'x'.repeat(201), '𝒳', '𝒳'.repeat(8), '𝒳'.repeat(9), '𝒳'.repeat(16), '𝒳'.repeat(17), '𝒳'.repeat(65),
  'in', 'out', 'IN', 'pass', 'denied', 'tap', 'open', 'closed', 'fault', 'refill', 'plate', 'card', 'ticket', 'remote', 'cash',
  '04A1B2C3', '04A1B2C', '04a1b2c3d4', '0123456789ABCDEF0123', '0123456789ABCDEF01234', 'a:b.c_d-', 'a b', 'a/b', 'ü',
  '2026-11-27T09:31:05Z', '2026-11-27T09:31:05.123456789+08:00', '2026-11-27 09:31:05Z', '2026-02-29T00:00:00Z', '2028-02-29T00:00:00Z',
  '2026-11-27T24:00:00Z', '2026-11-27T09:31:60Z', '2026-11-27T09:31:05+24:00', '2026-11-27T09:31:05', '2026-11-27t09:31:05z',
  { temperature_c: 1 }, { Temp: 1 }, { '1a': 1 }, { a: 'x' }, { a: null }, { a: {} }, { a: [1] }, { ['a'.repeat(32)]: 1 }, { ['a'.repeat(33)]: 1 },
  { a: true, b: 2.5, c: -1e300 }, { a: 1e999 }, Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`m${i}`, i])),
  Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`m${i}`, i])), { '': 1 }, { a_: 1, 'a-b': 2 },
];

interface Case {
  name: string;
  kind: DeviceKind;
  stream: UpstreamStream;
  json: Json;
}

/** Each base as it is, each field removed, each field set to each value, an unknown field added, the fields in reverse order. */
function cases(): Case[] {
  const out: Case[] = [];
  for (const b of bases) {
    const add = (name: string, json: Json) => out.push({ name: `${b.name}: ${name}`, kind: b.kind, stream: b.stream, json });
    add('as it is', b.payload);
    add('with an unknown field', { ...b.payload, extra: 'x' });
    add('fields in reverse order', Object.fromEntries(Object.entries(b.payload).reverse()));
    for (const key of [...Object.keys(b.payload), 'type', 'plate', 'reason', 'fault', 'battery', 'fw', 'rssi']) {
      const { [key]: _, ...without } = b.payload;
      add(`without ${key}`, without);
      VALUES.forEach((value, i) => add(`${key} = VALUES[${i}] ${JSON.stringify(value)?.slice(0, 40)}`, { ...b.payload, [key]: value }));
    }
  }
  return out;
}

const all = cases();
const byBase = bases.map((b) => ({ name: b.name, cases: all.filter((c) => c.name.startsWith(`${b.name}: `)) }));

describe('acceptFast answers as zod does', () => {
  it.each(byBase)('$name: as it is, each field removed, each field set to each of VALUES', ({ cases: table }) => {
    for (const { name, kind, stream, json } of table) {
      const zod = SCHEMAS[kind][stream]!.safeParse(json);
      const fast = acceptFast(kind, stream, json);
      if (!zod.success) {
        expect(fast, name).toBeUndefined();
        continue;
      }
      // Undefined only sends it to zod; where it answers, the same object with its fields in the same order.
      if (fast !== undefined) {
        expect(fast, name).toStrictEqual(zod.data);
        expect(JSON.stringify(fast), name).toBe(JSON.stringify(zod.data));
      }
    }
  });

  it('takes the fast path for every payload zod accepts in the table (else it saves nothing)', () => {
    const accepted = all.filter((c) => SCHEMAS[c.kind][c.stream]!.safeParse(c.json).success);
    // Except astral strings over a limit in UTF-16 units: zod counts code points, so those are left to it.
    const astral = /[\ud800-\udbff]/;
    for (const c of accepted) if (!astral.test(JSON.stringify(c.json))) expect(acceptFast(c.kind, c.stream, c.json), c.name).toBeDefined();
    // Both sides are covered.
    expect(accepted.length).toBeGreaterThan(200);
    expect(all.length - accepted.length).toBeGreaterThan(500);
  });
});

describe('parseDevicePayload gives the answer it gave with zod alone', () => {
  const receivedAt = new Date('2026-11-27T01:31:05.120Z');
  it.each(byBase)('$name: every case of the table', ({ cases: table }) => {
    for (const { name, kind, stream, json } of table) {
      const text = JSON.stringify(json);
      const result = parseDevicePayload(kind, stream, text, receivedAt);
      // zod alone, as parseDevicePayload was before the fast path (its ts window checks after).
      const zod = SCHEMAS[kind][stream]!.safeParse(JSON.parse(text));
      if (stream === 'status' && LastWillSchema.safeParse(JSON.parse(text)).success) expect(result, name).toMatchObject({ ok: true, lastWill: true });
      else if (!zod.success) expect(result, name).toEqual({ ok: false, reason: expect.any(String) });
      else if (result.ok) expect(result.payload, name).toStrictEqual(zod.data);
      else expect(result.reason, name).toMatch(/^ts .* more than/);
    }
  });

  it.each([
    { name: 'a level over 100', kind: 'dispenser', stream: 'telemetry', json: { ...env, level: 101 }, reason: 'level: Too big: expected number to be <=100' },
    { name: 'a bad metric name', kind: 'sensor', stream: 'telemetry', json: { ...env, readings: { Temp: 1 } }, reason: 'readings.Temp: metric name "Temp" must match [a-z][a-z0-9_]{0,31}' },
    { name: 'a lower-case card', kind: 'checkpoint', stream: 'event', json: { ...env, type: 'tap', card: '04a1b2c3' }, reason: 'card: 8–20 upper-case hex chars' },
    { name: 'a day that does not exist', kind: 'gate', stream: 'status', json: { id: 'a', ts: '2026-02-30T00:00:00Z', online: true }, reason: 'ts: day 30 does not exist in 2026-02' },
  ] as const)('rejects $name with zod\'s message', ({ kind, stream, json, reason }) => {
    expect(parseDevicePayload(kind, stream, JSON.stringify(json), receivedAt)).toEqual({ ok: false, reason });
  });
});

describe(isLastWill.name, () => {
  it.each([
    { json: { online: false }, expected: true },
    { json: { online: true }, expected: false },
    { json: { online: 'false' }, expected: false },
    { json: { online: false, id: 'a' }, expected: false },
    { json: { id: 'a', online: false }, expected: false },
    { json: {}, expected: false },
    { json: { offline: false }, expected: false },
  ])('$json → $expected, as LastWillSchema', ({ json, expected }) => {
    expect(isLastWill(json)).toBe(expected);
    expect(LastWillSchema.safeParse(json).success).toBe(expected);
  });
});
