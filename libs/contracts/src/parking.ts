// CONTRACT §6 GET /api/parking/lots and POST /api/gates/{id}/open: bodies (validated) and answers.
import { z } from 'zod';

export interface GateStateDto {
  id: string;
  name: string;
  /** Last barrier state the gate reported; null before its first telemetry. */
  barrier: 'open' | 'closed' | 'fault' | null;
  fault?: string;
  /** Device time the barrier entered that state. */
  barrierSince?: string;
  stuckOpenSec: number;
  lastPass?: { at: string; direction: 'in' | 'out'; plate?: string; credential?: string };
}

export type LotCountFlag = 'negative_clamps' | 'over_capacity';

export interface ParkingLotDto {
  siteId: string;
  /** The site's IANA time zone (its file's `site.timezone`): screens show this row's times on the site's clock (issue 10 point 2). */
  timezone: string;
  id: string;
  name: string;
  capacity: number;
  occupancy: number;
  /** capacity − occupancy, never below 0. */
  free: number;
  full: boolean;
  gates: GateStateDto[];
  /** The last nightly reconciliation of this lot's count (see the parking README). */
  lastReconciliation?: { day: string; at: string; flags: LotCountFlag[] };
  /** `out` passes that found the lot empty (clamped at 0) in the last 24 h. */
  negativeClamps24h: number;
  /**
   * The last message applied to this lot (the highest ingest seq of its gates): a screen keeps the
   * lot with the higher revision, so a late HTTP answer never overwrites a newer push (issue 10 point 5).
   */
  revision: number;
}

export const GateOpenBodySchema = z.object({
  reason: z.string().trim().min(1, 'say why the gate is opened remotely').max(200),
});
export type GateOpenBody = z.infer<typeof GateOpenBodySchema>;

/** 200 answer of POST /api/gates/{id}/open: the device's ack. A time-out is a 504 instead. */
export interface GateOpenResult {
  commandId: string;
  ok: boolean;
  error?: string;
  ackedAt: string;
}

export const GATE_COMMAND_RESULTS = ['pending', 'acked', 'refused', 'timeout', 'failed'] as const;
export type GateCommandResult = (typeof GATE_COMMAND_RESULTS)[number];

/** One audited remote command (GET /api/gates/{id}/commands). */
export interface GateCommandDto {
  id: string;
  siteId: string;
  gateId: string;
  action: 'open' | 'close';
  by: string;
  reason?: string;
  sentAt: string;
  /** acked: the gate said ok; refused: it said not ok; timeout: no ack in time; failed: not published. */
  result: GateCommandResult;
  error?: string;
  ackedAt?: string;
}
