// CONTRACT §1 — envelope and payloads by kind. Every device payload is hostile until parsed here.
import { z } from 'zod';
import { rfc3339Problem } from './rfc3339';
import type { DeviceKind, UpstreamStream } from './topics';

export const MAX_PAYLOAD_BYTES = 4096;
/** Devices buffer while offline: `ts` up to 24 h in the past is still valid. */
export const MAX_PAST_MS = 24 * 60 * 60 * 1000;
export const MAX_FUTURE_MS = 2 * 60 * 1000;

export const MessageIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, '1–64 of [A-Za-z0-9_.:-]');
export const TimestampSchema = z.string().superRefine((s, ctx) => {
  const problem = rfc3339Problem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const envelope = { id: MessageIdSchema, ts: TimestampSchema };
const shortCode = z.string().min(1).max(16);

export const CheckpointTapSchema = z.object({
  ...envelope,
  type: z.literal('tap'),
  card: z.string().regex(/^[0-9A-F]{8,20}$/, '8–20 upper-case hex chars'),
});
export type CheckpointTap = z.infer<typeof CheckpointTapSchema>;

const direction = z.enum(['in', 'out']);
const plate = z.string().min(1).max(16);
export const GatePassSchema = z.object({
  ...envelope,
  type: z.literal('pass'),
  direction,
  plate: plate.optional(),
  credential: z.enum(['plate', 'card', 'ticket', 'remote']),
});
export const GateDeniedSchema = z.object({
  ...envelope,
  type: z.literal('denied'),
  direction,
  plate: plate.optional(),
  reason: z.string().max(200).optional(),
});
export const GateEventSchema = z.discriminatedUnion('type', [GatePassSchema, GateDeniedSchema]);
export type GateEvent = z.infer<typeof GateEventSchema>;

export const GateTelemetrySchema = z.object({
  ...envelope,
  barrier: z.enum(['open', 'closed', 'fault']),
  fault: shortCode.optional(),
});
export type GateTelemetry = z.infer<typeof GateTelemetrySchema>;

const percent = z.number().min(0).max(100);
export const DispenserTelemetrySchema = z.object({ ...envelope, level: percent, battery: percent.optional() });
export type DispenserTelemetry = z.infer<typeof DispenserTelemetrySchema>;

export const DispenserEventSchema = z.object({ ...envelope, type: z.literal('refill') });
export type DispenserEvent = z.infer<typeof DispenserEventSchema>;

export const METRIC_NAME_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
export const MAX_METRICS = 32;

/** A record keyed by metric names; zod's own key error ("Invalid key in record") does not say what to fix. */
export function metricRecord<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      if (!METRIC_NAME_PATTERN.test(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `metric name "${key}" must match [a-z][a-z0-9_]{0,31}` });
      }
    }
  });
}
export const SensorTelemetrySchema = z.object({
  ...envelope,
  readings: metricRecord(z.union([z.number(), z.boolean()])).refine(
    (r) => Object.keys(r).length <= MAX_METRICS,
    `at most ${MAX_METRICS} metrics`,
  ),
});
export type SensorTelemetry = z.infer<typeof SensorTelemetrySchema>;

export const SensorEventSchema = z.discriminatedUnion('type', [
  z.object({ ...envelope, type: z.literal('fault'), code: shortCode, text: z.string().max(200).optional() }),
  z.object({ ...envelope, type: z.literal('fault_cleared'), code: shortCode }),
]);
export type SensorEvent = z.infer<typeof SensorEventSchema>;

export const DeviceStatusSchema = z.object({
  ...envelope,
  online: z.boolean(),
  fw: z.string().max(64).optional(),
  battery: percent.optional(),
  rssi: z.number().min(-200).max(0).optional(),
});
/** The retained last will: `{"online":false}` with no id or ts. */
export const LastWillSchema = z.object({ online: z.literal(false) }).strict();
export type DeviceStatus = z.infer<typeof DeviceStatusSchema>;

export const GateAckSchema = z.object({ ...envelope, ok: z.boolean(), error: z.string().max(200).optional() });
export type GateAck = z.infer<typeof GateAckSchema>;

export const GateCommandSchema = z.object({
  ...envelope,
  action: z.enum(['open', 'close']),
  by: z.string().min(1).max(64),
  reason: z.string().max(200).optional(),
});
export type GateCommand = z.infer<typeof GateCommandSchema>;

type AnySchema = z.ZodType<{ id: string; ts: string }>;

/** One decoder for every payload (building one per message showed in the server's profile); `decode` keeps no state between calls. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Which schema a (kind, stream) pair takes; undefined means the pair carries nothing. */
const SCHEMAS: Record<DeviceKind, Partial<Record<UpstreamStream, AnySchema>>> = {
  checkpoint: { event: CheckpointTapSchema, status: DeviceStatusSchema },
  gate: { event: GateEventSchema, telemetry: GateTelemetrySchema, status: DeviceStatusSchema, ack: GateAckSchema },
  dispenser: { event: DispenserEventSchema, telemetry: DispenserTelemetrySchema, status: DeviceStatusSchema },
  sensor: { event: SensorEventSchema, telemetry: SensorTelemetrySchema, status: DeviceStatusSchema },
};

export type DevicePayload =
  | CheckpointTap
  | GateEvent
  | GateTelemetry
  | DispenserTelemetry
  | DispenserEvent
  | SensorTelemetry
  | SensorEvent
  | DeviceStatus
  | GateAck;

export type PayloadParseResult =
  | { ok: true; payload: DevicePayload; lastWill: false; observedAt: Date }
  | { ok: true; payload: { online: false }; lastWill: true; observedAt: undefined }
  | { ok: false; reason: string };

/**
 * Parses one device payload. Returns an error value instead of throwing, so a hostile
 * message can never unwind the broker's network loop (STYLE: aedes).
 * `receivedAt` bounds `ts`: 24 h past, 2 min future (CONTRACT §1, envelope).
 */
export function parseDevicePayload(
  kind: DeviceKind,
  stream: UpstreamStream,
  bytes: Uint8Array | string,
  receivedAt: Date,
): PayloadParseResult {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength;
  if (size > MAX_PAYLOAD_BYTES) return { ok: false, reason: `payload is ${size} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit` };
  const schema = SCHEMAS[kind][stream];
  if (!schema) return { ok: false, reason: `a ${kind} does not publish on "${stream}"` };
  let json: unknown;
  try {
    const text = typeof bytes === 'string' ? bytes : UTF8.decode(bytes);
    json = JSON.parse(text);
    // JSON.parse keeps a "__proto__" key as an own property, but copying it (zod's record does)
    // sets a prototype instead and the key vanishes: `{"readings":{"__proto__":{…}}}` would be
    // stored as `readings: {}`. No field may be called that. (Checked only when the text has it.)
    if (text.includes('__proto__') && hasProtoKey(text)) return { ok: false, reason: 'payload has a "__proto__" key, which no field may be called' };
    // PostgreSQL's jsonb refuses \u0000 and unpaired surrogates: one such message would fail the
    // whole grouped commit, again at every redelivery. Only an escape can produce them.
    const unstorable = text.includes('\\u') ? findUnstorable(json, '') : undefined;
    if (unstorable !== undefined) return { ok: false, reason: `${unstorable || 'payload'}: \\u0000 or an unpaired surrogate (\\ud800–\\udfff) cannot be stored` };
  } catch {
    return { ok: false, reason: 'payload is not UTF-8 JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, reason: 'payload must be a JSON object' };
  // A last will has no id, and its strict schema refuses any other key: a status carrying an id
  // (every status but a will) is not tried against it, sparing a failed parse and its error.
  if (stream === 'status' && !Object.hasOwn(json, 'id') && LastWillSchema.safeParse(json).success) {
    return { ok: true, payload: { online: false }, lastWill: true, observedAt: undefined };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: formatIssues(parsed.error.issues) };
  const observedAt = new Date(parsed.data.ts);
  const ageMs = receivedAt.getTime() - observedAt.getTime();
  if (ageMs > MAX_PAST_MS) return { ok: false, reason: `ts ${parsed.data.ts} is more than 24 h in the past` };
  if (-ageMs > MAX_FUTURE_MS) return { ok: false, reason: `ts ${parsed.data.ts} is more than 2 min in the future` };
  return { ok: true, payload: parsed.data as DevicePayload, lastWill: false, observedAt };
}

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Path of the first string or key PostgreSQL cannot store ('' for the value itself), or undefined. */
function findUnstorable(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (UNSTORABLE.test(key)) return at;
    const found = findUnstorable(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

function hasProtoKey(text: string): boolean {
  let found = false;
  JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__') found = true;
    return value;
  });
  return found;
}

/** `routes[0].checkpoints[1].checkpoint` style path, shared with the site-file errors. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function formatIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${formatPath(issue.path)}: ${issue.message}` : issue.message))
    .join('; ');
}
