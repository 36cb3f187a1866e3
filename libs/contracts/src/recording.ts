// Recorded traffic, CONTRACT §7 (written by firmware-sim's recorder, read by its replay and the
// server's replay on virtual time, so it lives here and neither depends on the other): JSON Lines, one message a line,
// {"t": "<receive time, RFC 3339>", "topic": "...", "payload": {...}} or "raw": "<base64>"
// instead of payload for bytes that are not JSON.
import { readFile } from 'node:fs/promises';
import { TimestampSchema } from './payloads';

export interface RecordedMessage {
  /** Receive time, RFC 3339. */
  t: string;
  topic: string;
  /** The payload when the bytes were UTF-8 JSON. */
  payload?: unknown;
  /** Base64 of the bytes otherwise. */
  raw?: string;
  /** Added by this recorder: the broker delivered it as a retained message on subscribe. */
  retained?: boolean;
}

export interface RecordingProblem {
  line: number;
  problem: string;
}

export class RecordingError extends Error {
  constructor(
    readonly source: string,
    readonly problems: RecordingProblem[],
  ) {
    const lines = problems.map((p) => `line ${p.line}: ${p.problem}`);
    super(`${source}: ${lines.length === 1 ? lines[0] : `${lines.length} bad lines\n  ${lines.slice(0, 20).join('\n  ')}`}`);
    this.name = 'RecordingError';
  }
}

/** The line for one received message (without the newline). */
export function encodeRecordedLine(t: string, topic: string, bytes: Buffer, retained = false): string {
  const json = decodeJson(bytes);
  const body = json.ok ? { payload: json.value } : { raw: bytes.toString('base64') };
  return JSON.stringify({ t, topic, ...body, ...(retained ? { retained: true } : {}) });
}

/** The bytes to publish again for a recorded message. */
export function messageBytes(message: RecordedMessage): Buffer {
  if (message.raw !== undefined) return Buffer.from(message.raw, 'base64');
  return Buffer.from(JSON.stringify(message.payload));
}

/** Parses recording text. Every bad line is reported with its number and problem; blank lines are skipped. */
export function parseRecording(text: string, source = 'recording'): RecordedMessage[] {
  const messages: RecordedMessage[] = [];
  const problems: RecordingProblem[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') return;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') problems.push({ line: index + 1, problem: parsed });
    else messages.push(parsed);
  });
  if (problems.length > 0) throw new RecordingError(source, problems);
  return messages;
}

/**
 * Reads a recording from a file path, or parses it directly when given the text itself
 * (anything containing a newline or starting with `{`).
 */
export async function readRecording(pathOrText: string): Promise<RecordedMessage[]> {
  const trimmed = pathOrText.trimStart();
  if (pathOrText.includes('\n') || trimmed.startsWith('{') || trimmed === '') return parseRecording(pathOrText);
  return parseRecording(await readFile(pathOrText, 'utf8'), pathOrText);
}

/** One line, or what is wrong with it. */
function parseLine(line: string): RecordedMessage | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  const obj = value as Record<string, unknown>;
  if (typeof obj.t !== 'string') return '"t" (receive time) is missing or not a string';
  if (!TimestampSchema.safeParse(obj.t).success) return `"t" is not an RFC 3339 time: ${JSON.stringify(obj.t)}`;
  if (typeof obj.topic !== 'string' || obj.topic === '') return '"topic" is missing or empty';
  // [MQTT-3.3.2-2] a PUBLISH topic never holds wildcards, so a recorded one cannot either.
  if (/[+#]/.test(obj.topic)) return `"topic" holds a wildcard: ${obj.topic}`;
  const hasPayload = 'payload' in obj;
  const hasRaw = 'raw' in obj;
  if (hasPayload === hasRaw) return 'needs exactly one of "payload" and "raw"';
  if (hasRaw && (typeof obj.raw !== 'string' || !isBase64(obj.raw))) return '"raw" is not base64';
  if ('retained' in obj && typeof obj.retained !== 'boolean') return '"retained" must be true or false';
  return {
    t: obj.t,
    topic: obj.topic,
    ...(hasPayload ? { payload: obj.payload } : { raw: obj.raw as string }),
    ...(obj.retained === true ? { retained: true } : {}),
  };
}

function decodeJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function isBase64(s: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0;
}
