// CONTRACT §6 — Socket.IO namespace /live: events pushed to the control room.
import type { AlertDto, DeviceDto } from './api';
import type { DispenserDto } from './consumables';
import type { SensorDto } from './equipment';
import type { ParkingLotDto } from './parking';
import type { RoundDto } from './patrol';
import type { WorkOrderDto } from './work-orders';

export const LIVE_NAMESPACE = '/live';

export interface LiveEvents {
  alert: (alert: AlertDto) => void;
  device: (device: DeviceDto) => void;
  workOrder: (order: WorkOrderDto) => void;
  /** A round after every visit, miss and status change (CONTRACT §3). */
  patrol: (round: RoundDto) => void;
  /** A lot after its count, a barrier state or its nightly check changed (issue 5). */
  parking: (lot: ParkingLotDto) => void;
  /** A dispenser after a batch changed its level, refill or alerts: the GET /api/consumables/dispensers item (issue 10 point 5). */
  dispenser: (dispenser: DispenserDto) => void;
  /** A sensor after a batch changed its readings, faults or limit states: the GET /api/equipment item (issue 10 point 5). */
  sensor: (sensor: SensorDto) => void;
  /** Sent just before the server closes this socket because its sign-in no longer holds (issue 8 point 6). */
  session: (ended: LiveSessionEnded) => void;
}

/** Why the server closed a live socket: the dashboard asks the user to sign in again. */
export interface LiveSessionEnded {
  reason: 'expired' | 'removed' | 'role_changed';
}

export type LiveEventName = keyof LiveEvents;

/** The socket's credentials: a bearer token here, or else the dashboard's session cookie. */
export interface LiveAuth {
  token?: string;
}
