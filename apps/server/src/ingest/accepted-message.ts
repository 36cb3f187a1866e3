import type { DeviceKind, UpstreamStream } from '@estate-watch/contracts';
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

/**
 * A domain step, registered with IngestService.register(). Called once per stored message, in
 * seq order, after the message's commit; the ingest cursor moves past a message only after
 * every handler returned. A handler that throws is logged and the message is skipped for that
 * handler (never blocks ingestion). After a crash a handler may see the last ~250 ms of
 * messages again (the cursor is written at that pace): be idempotent on `seq` or `msgId`.
 */
export interface MessageHandler {
  readonly name: string;
  handle(message: AcceptedMessage): Promise<void>;
}

/** Kept for modules that imported it from here. */
export type { Queryable };
