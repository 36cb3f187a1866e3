// CONTRACT §6 — Socket.IO namespace /live: events pushed to the control room.
import type { AlertDto, DeviceDto } from './api';
import type { WorkOrderDto } from './work-orders';

export const LIVE_NAMESPACE = '/live';

export interface LiveEvents {
  alert: (alert: AlertDto) => void;
  device: (device: DeviceDto) => void;
  workOrder: (order: WorkOrderDto) => void;
  patrol: (round: Record<string, unknown>) => void;
}

export type LiveEventName = keyof LiveEvents;

export interface LiveAuth {
  token: string;
}
