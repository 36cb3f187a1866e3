// The overview (issue 12 point 6): what state each device on the site plan is in, from the stores
// the control room already holds (alerts, devices), and what needs a person now. Pure.
import type { AlertDto, DeviceDto, ParkingLotDto, RoundDto, Severity, SitePlaceDto, WorkOrderDto } from '@estate-watch/contracts';
import { isOpen } from './alert-logic';

/** `unknown`: the device has sent nothing yet (or the server does not list it). */
export type MarkerState = 'alert' | 'offline' | 'ok' | 'unknown';

/**
 * An alert is about a device when its subject is the device (gate.fault: `gate-1`), the device and a
 * metric or code (`boiler-1:temperature_c`), or a round's checkpoint (`${roundId}/cp-1`).
 */
export function alertIsAbout(alert: Pick<AlertDto, 'subject' | 'siteId'>, place: Pick<SitePlaceDto, 'id'>, siteId: string): boolean {
  if (alert.siteId !== siteId) return false;
  const s = alert.subject;
  return s === place.id || s.startsWith(`${place.id}:`) || s.endsWith(`/${place.id}`);
}

const RANK: Record<Severity, number> = { critical: 3, major: 2, minor: 1, info: 0 };

export interface Marker extends SitePlaceDto {
  state: MarkerState;
  /** The most severe open alert's severity, when there is one. */
  severity?: Severity;
  /** An open alert nobody acknowledged yet: the marker pulses. */
  unacknowledged: boolean;
  alerts: AlertDto[];
}

export function markers(places: readonly SitePlaceDto[], siteId: string, alerts: Iterable<AlertDto>, devices: readonly DeviceDto[]): Marker[] {
  const open = [...alerts].filter((a) => isOpen(a) && a.status !== 'cleared');
  const known = new Map(devices.filter((d) => d.siteId === siteId).map((d) => [d.id, d]));
  return places.map((place) => {
    const mine = open.filter((a) => alertIsAbout(a, place, siteId)).sort((a, b) => RANK[b.severity] - RANK[a.severity]);
    const device = known.get(place.id);
    // A device that never sent anything is not "offline" (a fault): it is a quiet "no data yet",
    // so red on the plan means a real problem to an operator twelve hours into a shift.
    const state: MarkerState = mine.length > 0 ? 'alert' : !device?.lastSeenAt ? 'unknown' : device.online ? 'ok' : 'offline';
    return { ...place, state, severity: mine[0]?.severity, unacknowledged: mine.some((a) => !a.acknowledgedAt), alerts: mine };
  });
}

/** At or above this share of its bays a lot is shown as near full. */
export const NEAR_FULL = 0.9;

export interface NeedsPerson {
  unacknowledged: AlertDto[];
  escalated: WorkOrderDto[];
  rounds: RoundDto[];
  lots: ParkingLotDto[];
}

/** The side list: what a person should look at now, most pressing first in each group. */
export function needsPerson(alerts: Iterable<AlertDto>, orders: Iterable<WorkOrderDto>, rounds: readonly RoundDto[], lots: readonly ParkingLotDto[]): NeedsPerson {
  const done = new Set(['verified', 'closed']);
  return {
    unacknowledged: [...alerts]
      .filter((a) => !a.acknowledgedAt && isOpen(a))
      .sort((a, b) => RANK[b.severity] - RANK[a.severity] || b.raisedAt.localeCompare(a.raisedAt)),
    escalated: [...orders].filter((o) => o.escalated && !done.has(o.status)).sort((a, b) => a.resolveBy.localeCompare(b.resolveBy)),
    rounds: rounds.filter((r) => r.status === 'in_progress'),
    lots: lots.filter((l) => l.capacity > 0 && l.occupancy / l.capacity >= NEAR_FULL).sort((a, b) => b.occupancy / b.capacity - a.occupancy / a.capacity),
  };
}
