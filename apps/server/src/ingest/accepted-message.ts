import type { DeviceKind, Stream, UpstreamStream } from '@estate-watch/contracts';
import type { Queryable } from '../db/database';

/** A device message that passed validation and dedup and is stored: what the domain receives. */
export interface AcceptedMessage {
  /** device_messages.seq: arrival order, the ingest cursor's unit. */
  seq: number;
  siteId: string;
  kind: DeviceKind;
  deviceId: string;
  stream: UpstreamStream;
  /** Undefined only for the last will (`{"online":false}` carries no id). */
  msgId?: string;
  /** The payload as parsed by @estate-watch/contracts (unknown fields stripped). */
  payload: Record<string, unknown>;
  /** Device time (`ts`); undefined for the last will. */
  observedAt?: Date;
  receivedAt: Date;
  lastWill: boolean;
}

/** Which stored messages a handler takes; an absent list takes every value. */
export interface MessageSelector {
  readonly kinds?: readonly DeviceKind[];
  readonly streams?: readonly UpstreamStream[];
}

/**
 * A domain step of the message path. Each handler has a pipeline of its own (ingest/handler-pipeline.ts):
 * its own durable cursor, its own backlog, so a slow handler never holds another one up.
 *
 * - It receives only the messages its selector takes, in seq order, after their commit, in
 *   batches (one message or hundreds). `applyBatch` resolves when every effect of the batch is
 *   durable, alerts included; the handler's cursor moves past the batch only then.
 * - At-least-once: after a crash the messages after the saved cursor come again, and a message
 *   pulled ahead by the urgent lane comes again in its place. Be idempotent per seq (each device
 *   row keeps the last seq it applied).
 * - A batch that throws is retried; what still fails is recorded in handler_failures and reported
 *   on /api/health, never skipped in silence.
 */
export interface MessageHandler {
  readonly name: string;
  readonly selects: MessageSelector;
  applyBatch(messages: readonly AcceptedMessage[]): Promise<void>;
  /**
   * Messages that must not wait behind a backlog (a leak, a critical limit, a fault). The
   * pipeline applies them, with every earlier message of the same device, ahead of the queue.
   * Ingest asks it of every message before its commit (no seq yet): it must be cheap.
   */
  urgent?(message: Omit<AcceptedMessage, 'seq'>): boolean;
  /**
   * For an urgent message, before its commit, on a server that is the only one (not in a
   * cluster): tells the screens the alert it will raise (AlertsService.forewarn) and returns what
   * withdraws that if the message is not stored (a repeat, a failed commit), or nothing.
   */
  forewarn?(message: Omit<AcceptedMessage, 'seq'>): (() => void) | undefined;
  /**
   * True when one device's messages never touch another device's state or alerts: the urgent
   * lane then applies an alarm beside a batch under way that holds none of its device's
   * messages, instead of waiting for that batch (issue 9.4).
   */
  readonly independentDevices?: boolean;
  /**
   * Every message this server commits, from memory, right after its commit, whichever server runs
   * this handler's pipeline (in a cluster another one may): for effects that need neither order nor
   * a durable cursor, such as a coalesced live event (broadcast to every server's screens). Not
   * called for replays. Must be cheap; an exception is logged and ignored.
   */
  committedHere?(messages: readonly AcceptedMessage[]): void;
}

/** Whether a handler of this selector takes a message of this kind and stream (also a topic not yet validated: the replay's). */
export function selects(selector: MessageSelector, m: { kind: DeviceKind; stream: Stream }): boolean {
  return (!selector.kinds || selector.kinds.includes(m.kind)) && (!selector.streams || (selector.streams as readonly Stream[]).includes(m.stream));
}

/** Kept for modules that imported it from here. */
export type { Queryable };
