import { describe, expect, it } from 'vitest';
import { parseDevicePayload, MAX_PAYLOAD_BYTES } from './payloads';
import type { DeviceKind, UpstreamStream } from './topics';

const now = new Date('2026-11-27T01:31:05.120Z'); // 09:31:05.120 in Shanghai
const env = { id: 'm-1', ts: '2026-11-27T09:31:05.120+08:00' };

interface Case {
  name: string;
  kind: DeviceKind;
  stream: UpstreamStream;
  payload: unknown;
}

// CONTRACT §1 — payloads by kind: one valid example of every payload kind.
const valid: Case[] = [
  { name: 'checkpoint tap', kind: 'checkpoint', stream: 'event', payload: { ...env, type: 'tap', card: '04A1B2C3D4E5F6' } },
  { name: 'gate pass', kind: 'gate', stream: 'event', payload: { ...env, type: 'pass', direction: 'in', plate: '沪A12345', credential: 'plate' } },
  { name: 'gate pass without plate', kind: 'gate', stream: 'event', payload: { ...env, type: 'pass', direction: 'out', credential: 'card' } },
  { name: 'gate denied', kind: 'gate', stream: 'event', payload: { ...env, type: 'denied', direction: 'in', plate: '沪B0000', reason: 'blacklist' } },
  { name: 'gate telemetry', kind: 'gate', stream: 'telemetry', payload: { ...env, barrier: 'fault', fault: 'E12' } },
  { name: 'dispenser telemetry', kind: 'dispenser', stream: 'telemetry', payload: { ...env, level: 0, battery: 100 } },
  { name: 'dispenser refill', kind: 'dispenser', stream: 'event', payload: { ...env, type: 'refill' } },
  { name: 'sensor telemetry', kind: 'sensor', stream: 'telemetry', payload: { ...env, readings: { temperature_c: 71.5, leak: false } } },
  { name: 'sensor fault', kind: 'sensor', stream: 'event', payload: { ...env, type: 'fault', code: 'E-PUMP-3', text: '水泵过载' } },
  { name: 'sensor fault cleared', kind: 'sensor', stream: 'event', payload: { ...env, type: 'fault_cleared', code: 'E-PUMP-3' } },
  { name: 'status', kind: 'checkpoint', stream: 'status', payload: { ...env, online: true, fw: '1.2.0', battery: 88, rssi: -61 } },
  { name: 'gate ack', kind: 'gate', stream: 'ack', payload: { ...env, ok: false, error: 'obstruction' } },
  { name: 'ts with Z', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: '2026-11-27T01:31:05Z', type: 'refill' } },
  { name: 'ts 24 h old (edge)', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: '2026-11-26T01:31:05.120Z', type: 'refill' } },
  { name: 'ts 2 min ahead (edge)', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: '2026-11-27T01:33:05.120Z', type: 'refill' } },
  { name: 'id of 64 chars', kind: 'dispenser', stream: 'event', payload: { id: 'a:b.c_d-'.padEnd(64, 'x'), ts: env.ts, type: 'refill' } },
  { name: '32 metrics', kind: 'sensor', stream: 'telemetry', payload: { ...env, readings: Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`m${i}`, i])) } },
];

describe('parseDevicePayload accepts', () => {
  it.each(valid)('$name', ({ kind, stream, payload }) => {
    const result = parseDevicePayload(kind, stream, JSON.stringify(payload), now);
    expect(result).toMatchObject({ ok: true, lastWill: false });
  });

  it('the last will {"online":false} on status, with no id or ts', () => {
    expect(parseDevicePayload('gate', 'status', '{"online":false}', now)).toEqual({ ok: true, payload: { online: false }, lastWill: true, observedAt: undefined });
  });

  it('a status {"online":false} with an id is a status, not the last will', () => {
    expect(parseDevicePayload('gate', 'status', JSON.stringify({ ...env, online: false }), now)).toMatchObject({ ok: true, lastWill: false, payload: { ...env, online: false } });
    expect(parseDevicePayload('gate', 'status', '{"id":"a","online":false}', now)).toMatchObject({ ok: false });
  });

  it('strips unknown fields so they never reach storage', () => {
    const result = parseDevicePayload('dispenser', 'telemetry', JSON.stringify({ ...env, level: 50, injected: "'; DROP TABLE x" }), now);
    expect(result.ok && result.payload).toEqual({ ...env, level: 50 });
  });
});

// CONTRACT §1 — "Anything else … is rejected": each class of bad input, with the reason it gives.
const bad: (Case & { reason: string; raw?: string | Uint8Array })[] = [
  { name: 'not JSON', kind: 'gate', stream: 'event', payload: null, raw: '{"id":', reason: 'not UTF-8 JSON' },
  { name: 'not UTF-8', kind: 'gate', stream: 'event', payload: null, raw: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), reason: 'not UTF-8 JSON' },
  { name: 'JSON array', kind: 'gate', stream: 'event', payload: [env], reason: 'must be a JSON object' },
  // Copying a "__proto__" key sets a prototype: the reading would vanish and `readings: {}` be stored.
  { name: '__proto__ key in readings', kind: 'sensor', stream: 'telemetry', payload: null, raw: `{"id":"a","ts":"${env.ts}","readings":{"__proto__":{"t":1}}}`, reason: '"__proto__" key' },
  // Valid JSON that PostgreSQL's jsonb refuses: it would fail the grouped commit of every message with it.
  { name: 'NUL in a fault text', kind: 'sensor', stream: 'event', payload: { ...env, type: 'fault', code: 'E1', text: 'a\u0000b' }, reason: 'text: \\u0000 or an unpaired surrogate' },
  { name: 'lone surrogate in a plate', kind: 'gate', stream: 'event', payload: { ...env, type: 'denied', direction: 'in', plate: '\ud800' }, reason: 'plate: \\u0000 or an unpaired surrogate' },
  { name: '__proto__ key at the top', kind: 'sensor', stream: 'telemetry', payload: null, raw: `{"id":"a","ts":"${env.ts}","readings":{"t":1},"__proto__":{"x":1}}`, reason: '"__proto__" key' },
  { name: 'JSON string', kind: 'gate', stream: 'event', payload: 'tap', reason: 'must be a JSON object' },
  { name: 'too large', kind: 'sensor', stream: 'telemetry', payload: { ...env, readings: { a: 1 }, pad: 'x'.repeat(MAX_PAYLOAD_BYTES) }, reason: 'over the 4096-byte limit' },
  { name: 'missing id', kind: 'dispenser', stream: 'event', payload: { ts: env.ts, type: 'refill' }, reason: 'id' },
  { name: 'empty id', kind: 'dispenser', stream: 'event', payload: { id: '', ts: env.ts, type: 'refill' }, reason: 'id' },
  { name: 'id of 65 chars', kind: 'dispenser', stream: 'event', payload: { id: 'x'.repeat(65), ts: env.ts, type: 'refill' }, reason: 'id' },
  { name: 'id with a slash', kind: 'dispenser', stream: 'event', payload: { id: 'a/b', ts: env.ts, type: 'refill' }, reason: 'id' },
  { name: 'ts without offset', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: '2026-11-27T09:31:05', type: 'refill' }, reason: 'ts' },
  { name: 'ts as epoch number', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: 1764207065, type: 'refill' }, reason: 'ts' },
  { name: 'ts impossible date', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: '2026-13-45T09:31:05Z', type: 'refill' }, reason: 'ts' },
  // JavaScript's Date rolls these over to a real date; CONTRACT §1 asks for a real RFC 3339 time.
  { name: 'ts 30 February', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: '2026-02-30T00:00:00Z', type: 'refill' }, reason: 'ts: day 30 does not exist in 2026-02' },
  { name: 'ts 29 February of a common year', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: '2026-02-29T09:00:00+08:00', type: 'refill' }, reason: 'ts: day 29 does not exist' },
  { name: 'ts 31 November', kind: 'checkpoint', stream: 'event', payload: { ...env, ts: '2026-11-31T09:31:05+08:00', type: 'tap', card: '04A1B2C3' }, reason: 'ts: day 31 does not exist' },
  { name: 'ts hour 24', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: '2026-11-26T24:00:00Z', type: 'refill' }, reason: 'ts: hour 24 does not exist' },
  { name: 'ts minute 60', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: '2026-11-27T09:60:00+08:00', type: 'refill' }, reason: 'ts: minute 60' },
  { name: 'ts offset +24:00', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: '2026-11-27T09:31:05+24:00', type: 'refill' }, reason: 'ts: offset +24:00' },
  { name: 'ts over 24 h old', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: '2026-11-26T01:31:05.119Z', type: 'refill' }, reason: 'more than 24 h in the past' },
  { name: 'ts over 2 min ahead', kind: 'dispenser', stream: 'event', payload: { id: 'a', ts: '2026-11-27T01:33:05.121Z', type: 'refill' }, reason: 'more than 2 min in the future' },
  { name: 'unknown event type', kind: 'checkpoint', stream: 'event', payload: { ...env, type: 'swipe', card: '04A1B2C3' }, reason: 'type' },
  { name: 'card lower-case', kind: 'checkpoint', stream: 'event', payload: { ...env, type: 'tap', card: '04a1b2c3' }, reason: 'card' },
  { name: 'card 7 chars', kind: 'checkpoint', stream: 'event', payload: { ...env, type: 'tap', card: '04A1B2C' }, reason: 'card' },
  { name: 'card 21 chars', kind: 'checkpoint', stream: 'event', payload: { ...env, type: 'tap', card: 'A'.repeat(21) }, reason: 'card' },
  { name: 'gate direction sideways', kind: 'gate', stream: 'event', payload: { ...env, type: 'pass', direction: 'up', credential: 'plate' }, reason: 'direction' },
  { name: 'plate of 17 chars', kind: 'gate', stream: 'event', payload: { ...env, type: 'pass', direction: 'in', plate: 'P'.repeat(17), credential: 'plate' }, reason: 'plate' },
  { name: 'barrier half', kind: 'gate', stream: 'telemetry', payload: { ...env, barrier: 'half' }, reason: 'barrier' },
  { name: 'level 101', kind: 'dispenser', stream: 'telemetry', payload: { ...env, level: 101 }, reason: 'level' },
  { name: 'level as string', kind: 'dispenser', stream: 'telemetry', payload: { ...env, level: '50' }, reason: 'level' },
  { name: 'metric name upper-case', kind: 'sensor', stream: 'telemetry', payload: { ...env, readings: { Temp: 1 } }, reason: 'metric name' },
  { name: 'metric value string', kind: 'sensor', stream: 'telemetry', payload: { ...env, readings: { temp: 'hot' } }, reason: 'readings' },
  { name: '33 metrics', kind: 'sensor', stream: 'telemetry', payload: { ...env, readings: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`m${i}`, i])) }, reason: 'at most 32 metrics' },
  { name: 'fault code of 17 chars', kind: 'sensor', stream: 'event', payload: { ...env, type: 'fault', code: 'C'.repeat(17) }, reason: 'code' },
  { name: 'status online as string', kind: 'gate', stream: 'status', payload: { ...env, online: 'yes' }, reason: 'online' },
  { name: 'status online:true without id', kind: 'gate', stream: 'status', payload: { online: true }, reason: 'id' },
  { name: 'telemetry on a checkpoint', kind: 'checkpoint', stream: 'telemetry', payload: { ...env, level: 3 }, reason: 'does not publish on "telemetry"' },
  { name: 'ack from a sensor', kind: 'sensor', stream: 'ack', payload: { ...env, ok: true }, reason: 'does not publish on "ack"' },
];

describe('parseDevicePayload rejects', () => {
  it.each(bad)('$name', ({ kind, stream, payload, raw, reason }) => {
    const result = parseDevicePayload(kind, stream, raw ?? JSON.stringify(payload), now);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('never throws on random bytes', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(Math.floor(random() * 300)).map(() => Math.floor(random() * 256));
      expect(parseDevicePayload('sensor', 'telemetry', bytes, now).ok).toBe(false);
    }
  });
});
