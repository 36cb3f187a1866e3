// CONTRACT §1 — the schemas of payloads.ts, written out by hand for the payloads devices send most
// (taps, gate passes, levels, readings, statuses). zod walked every message's fields through its
// generic checks, ~7 % of the server's CPU in the path bench's mix (issue 9 point 2).
//
// Only a fast ACCEPT: each function returns the exact object the zod schema would return (same
// fields, same order, unknown keys stripped) when the payload certainly passes it, and undefined
// otherwise, whereupon zod parses it as before. So what is accepted and every rejection's message
// stay zod's by construction; payload-fast-path.test.ts holds both sides to that over a table of
// valid and invalid payloads.
import { rfc3339Problem } from './rfc3339';
import { MAX_METRICS, METRIC_NAME_PATTERN } from './payloads';
import type { DeviceKind, UpstreamStream } from './topics';

type Json = Record<string, unknown>;
type FastAccept = (json: Json) => Json | undefined;

// The same patterns as MessageIdSchema and CheckpointTapSchema.
const MESSAGE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const CARD = /^[0-9A-F]{8,20}$/;

/**
 * zod measures strings in code points, the fast path in UTF-16 units: never fewer, so a string
 * within `max` units is within `max` code points, and one over it (astral characters) is left to
 * zod. Hence no minimum but "non-empty", which one unit and one code point both mean.
 */
const isString = (v: unknown, max: number, nonEmpty = false): v is string => typeof v === 'string' && v.length <= max && (!nonEmpty || v.length > 0);
// z.number() refuses Infinity (JSON.parse reads 1e999 as one) and NaN.
const isNumber = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const isPercent = (v: unknown): v is number => isNumber(v, 0, 100);
const isDirection = (v: unknown) => v === 'in' || v === 'out';

/** `{id, ts}` of the envelope as zod would return them, or undefined. */
function envelope(json: Json): { id: string; ts: string } | undefined {
  const { id, ts } = json;
  if (typeof id !== 'string' || !MESSAGE_ID.test(id)) return undefined;
  if (typeof ts !== 'string' || rfc3339Problem(ts) !== undefined) return undefined;
  return { id, ts };
}

/** An optional field: absent passes, present must pass `ok` (JSON never holds `undefined`). */
function optional(json: Json, key: string, ok: (v: unknown) => boolean): boolean {
  return !(key in json) || ok(json[key]);
}

const checkpointTap: FastAccept = (json) => {
  const env = envelope(json);
  if (!env || json.type !== 'tap' || typeof json.card !== 'string' || !CARD.test(json.card)) return undefined;
  return { id: env.id, ts: env.ts, type: 'tap', card: json.card };
};

const plateOk = (v: unknown) => isString(v, 16, true);
const gateEvent: FastAccept = (json) => {
  const env = envelope(json);
  if (!env || !isDirection(json.direction) || !optional(json, 'plate', plateOk)) return undefined;
  if (json.type === 'pass') {
    const { credential } = json;
    if (credential !== 'plate' && credential !== 'card' && credential !== 'ticket' && credential !== 'remote') return undefined;
    return { id: env.id, ts: env.ts, type: 'pass', direction: json.direction, ...('plate' in json && { plate: json.plate }), credential };
  }
  if (json.type === 'denied') {
    if (!optional(json, 'reason', (v) => isString(v, 200))) return undefined;
    return { id: env.id, ts: env.ts, type: 'denied', direction: json.direction, ...('plate' in json && { plate: json.plate }), ...('reason' in json && { reason: json.reason }) };
  }
  return undefined;
};

const gateTelemetry: FastAccept = (json) => {
  const env = envelope(json);
  const { barrier } = json;
  if (!env || (barrier !== 'open' && barrier !== 'closed' && barrier !== 'fault') || !optional(json, 'fault', (v) => isString(v, 16, true))) return undefined;
  return { id: env.id, ts: env.ts, barrier, ...('fault' in json && { fault: json.fault }) };
};

const dispenserTelemetry: FastAccept = (json) => {
  const env = envelope(json);
  if (!env || !isPercent(json.level) || !optional(json, 'battery', isPercent)) return undefined;
  return { id: env.id, ts: env.ts, level: json.level, ...('battery' in json && { battery: json.battery }) };
};

const sensorTelemetry: FastAccept = (json) => {
  const env = envelope(json);
  const { readings } = json;
  if (!env || typeof readings !== 'object' || readings === null || Array.isArray(readings)) return undefined;
  // zod's record returns a copy, key by key in the input's order.
  const copy: Json = {};
  let count = 0;
  for (const key in readings) {
    if (!Object.hasOwn(readings, key)) return undefined;
    const value = (readings as Json)[key];
    if (!METRIC_NAME_PATTERN.test(key) || (typeof value !== 'boolean' && !isNumber(value, -Infinity, Infinity))) return undefined;
    copy[key] = value;
    if (++count > MAX_METRICS) return undefined;
  }
  return { id: env.id, ts: env.ts, readings: copy };
};

const deviceStatus: FastAccept = (json) => {
  const env = envelope(json);
  if (!env || typeof json.online !== 'boolean') return undefined;
  if (!optional(json, 'fw', (v) => isString(v, 64)) || !optional(json, 'battery', isPercent) || !optional(json, 'rssi', (v) => isNumber(v, -200, 0))) return undefined;
  return {
    id: env.id,
    ts: env.ts,
    online: json.online,
    ...('fw' in json && { fw: json.fw }),
    ...('battery' in json && { battery: json.battery }),
    ...('rssi' in json && { rssi: json.rssi }),
  };
};

const FAST: Record<DeviceKind, Partial<Record<UpstreamStream, FastAccept>>> = {
  checkpoint: { event: checkpointTap, status: deviceStatus },
  gate: { event: gateEvent, telemetry: gateTelemetry, status: deviceStatus },
  dispenser: { telemetry: dispenserTelemetry, status: deviceStatus },
  sensor: { telemetry: sensorTelemetry, status: deviceStatus },
};

/**
 * What the (kind, stream) pair's zod schema returns for `json` when it surely accepts it; undefined
 * when it may not (or the pair has no fast path): then ask the schema.
 */
export function acceptFast(kind: DeviceKind, stream: UpstreamStream, json: Json): Json | undefined {
  return FAST[kind][stream]?.(json);
}

/** LastWillSchema (`{"online":false}`, strict) without zod: `online: false` and no other key, as its `for … in` sees keys. */
export function isLastWill(json: Json): boolean {
  for (const key in json) if (key !== 'online') return false;
  return json.online === false;
}
