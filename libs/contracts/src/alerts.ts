// CONTRACT §4 — alert types, their severity and whether they raise a work order by default.
import type { DepartmentId, Severity } from './site-config';

export const ALERT_TYPES = [
  'patrol.missed',
  'patrol.late',
  'patrol.early',
  'patrol.out_of_order',
  'patrol.unknown_card',
  'gate.stuck_open',
  'gate.fault',
  'parking.full',
  'dispenser.low',
  'dispenser.empty',
  'sensor.threshold',
  'equipment.fault',
  'device.offline',
  'device.clock_skew',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export const ALERT_STATUSES = ['active', 'acknowledged', 'cleared'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface AlertRule {
  /** 'config' means the severity comes from the site file (sensor limits). */
  severity: Severity | 'config';
  /** Department of the default work order; 'route' and 'sensor' take it from config; null: none. */
  workOrder: DepartmentId | 'route' | 'sensor' | null;
}

export const ALERT_RULES: Record<AlertType, AlertRule> = {
  'patrol.missed': { severity: 'major', workOrder: 'route' },
  'patrol.late': { severity: 'minor', workOrder: null },
  'patrol.early': { severity: 'minor', workOrder: null },
  'patrol.out_of_order': { severity: 'info', workOrder: null },
  'patrol.unknown_card': { severity: 'major', workOrder: 'security' },
  'gate.stuck_open': { severity: 'major', workOrder: 'parking' },
  'gate.fault': { severity: 'major', workOrder: 'engineering' },
  'parking.full': { severity: 'minor', workOrder: null },
  'dispenser.low': { severity: 'minor', workOrder: 'cleaning' },
  'dispenser.empty': { severity: 'major', workOrder: 'cleaning' },
  'sensor.threshold': { severity: 'config', workOrder: 'sensor' },
  'equipment.fault': { severity: 'major', workOrder: 'sensor' },
  'device.offline': { severity: 'major', workOrder: 'engineering' },
  'device.clock_skew': { severity: 'info', workOrder: null },
};

/** A status `ts` further than this from receive time raises device.clock_skew. */
export const CLOCK_SKEW_LIMIT_MS = 120_000;
/** Silence for this many heartbeats means offline. */
export const OFFLINE_AFTER_HEARTBEATS = 3;
