// Replays a recording: each message is published when the clock reaches its recorded offset
// from the first line (divided by `speed`). With a VirtualClock({ auto: true }) a day of
// traffic replays in milliseconds; with the wall clock it plays in real time.
import { systemClock, sleepUntil, type Clock } from '../common/clock';
import { messageBytes, readRecording, type RecordedMessage } from './recording';
import { formatWithOffset, offsetOf } from '../common/time';

export interface ReplayMessage {
  topic: string;
  bytes: Buffer;
  /** The line as recorded (before any `ts` shift). */
  recorded: RecordedMessage;
  /** Clock time the message was due. */
  dueAt: number;
}

export interface ReplayOptions {
  /** Sends one message; replay waits for it before the next, so order is kept. */
  publish: (message: ReplayMessage) => Promise<void> | void;
  /** Decides when each message is due. Default: wall clock. */
  clock?: Clock;
  /** 10 plays ten times faster than recorded. Default 1. */
  speed?: number;
  /**
   * Move each payload's `ts` by (due time − recorded receive time), keeping its offset, so a
   * server with the 24 h ts window (CONTRACT §1) accepts an old recording. Default false:
   * replay rewrites nothing.
   */
  shiftTs?: boolean;
  signal?: AbortSignal;
}

export interface ReplayResult {
  published: number;
}

export async function replay(recording: RecordedMessage[] | string, options: ReplayOptions): Promise<ReplayResult> {
  const messages = typeof recording === 'string' ? await readRecording(recording) : recording;
  const clock = options.clock ?? systemClock;
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new Error(`speed must be a positive number, got ${speed}`);
  const first = messages[0];
  if (!first) return { published: 0 };
  const base = clock.now();
  const t0 = Date.parse(first.t);
  // Lines out of time order (merged files) are sent in file order, never earlier than the previous.
  let recordedAt = t0;
  let published = 0;
  for (const message of messages) {
    options.signal?.throwIfAborted();
    recordedAt = Math.max(recordedAt, Date.parse(message.t));
    const dueAt = base + (recordedAt - t0) / speed;
    await sleepUntil(clock, dueAt);
    options.signal?.throwIfAborted();
    const sent = options.shiftTs ? shiftTs(message, dueAt - Date.parse(message.t)) : message;
    await options.publish({ topic: message.topic, bytes: messageBytes(sent), recorded: message, dueAt });
    published += 1;
  }
  return { published };
}

/** The message with its payload's `ts` moved by `deltaMs`; anything without a readable ts is left alone. */
export function shiftTs(message: RecordedMessage, deltaMs: number): RecordedMessage {
  const payload = message.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return message;
  const ts = (payload as { ts?: unknown }).ts;
  if (typeof ts !== 'string') return message;
  const ms = Date.parse(ts);
  const offset = offsetOf(ts);
  if (Number.isNaN(ms) || offset === undefined) return message;
  return { ...message, payload: { ...payload, ts: formatWithOffset(ms + deltaMs, offset) } };
}
