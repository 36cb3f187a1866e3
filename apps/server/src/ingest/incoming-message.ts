import type { DeviceKind, UpstreamStream } from '@estate-watch/contracts';

/** Who sent a message, as the broker authenticated it (CONTRACT §1, device credentials). */
export interface DeviceIdentity {
  site: string;
  device: string;
}

/** One PUBLISH as it arrives from a broker, before anything about it is trusted. */
export interface IncomingMessage {
  topic: string;
  payload: Uint8Array;
  /**
   * The authenticated device that sent it. Undefined when the broker cannot tell: an external
   * broker does not say who published, so there its ACL (deploy/mosquitto) vouches for the topic.
   */
  publisher?: DeviceIdentity;
}

/** A message that passed validation, waiting for its grouped commit. */
export interface ValidMessage {
  siteId: string;
  deviceId: string;
  kind: DeviceKind;
  stream: UpstreamStream;
  msgId?: string;
  payload: Record<string, unknown>;
  observedAt?: Date;
  receivedAt: Date;
  lastWill: boolean;
}

/** A rejected message, counted against the device it claims to be (or was authenticated as). */
export interface Rejection {
  siteId: string;
  deviceId: string;
  reason: string;
  topic: string;
  at: Date;
}

/** What became of one message; the broker answers the device from this (see ingest.service.ts). */
export type IngestOutcome =
  | { status: 'accepted'; seq: number }
  | { status: 'duplicate' }
  | { status: 'rejected'; reason: string }
  /** Not device input: the server's own `cmd` seen again through an external broker. */
  | { status: 'ignored' };
