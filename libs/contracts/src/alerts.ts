// CONTRACT §4 — alert types, their severity and whether they raise a work order by default.
import type { Severity } from './site-config';

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
  /**
   * Who takes the default work order: the route's or the sensor's department (site file), a
   * department (§4's, unless the site's `routing` maps the type to one of its own), or null: none.
   */
  workOrder: 'route' | 'sensor' | { department: string } | null;
}

export const ALERT_RULES: Record<AlertType, AlertRule> = {
  'patrol.missed': { severity: 'major', workOrder: 'route' },
  'patrol.late': { severity: 'minor', workOrder: null },
  'patrol.early': { severity: 'minor', workOrder: null },
  'patrol.out_of_order': { severity: 'info', workOrder: null },
  'patrol.unknown_card': { severity: 'major', workOrder: { department: 'security' } },
  'gate.stuck_open': { severity: 'major', workOrder: { department: 'parking' } },
  'gate.fault': { severity: 'major', workOrder: { department: 'engineering' } },
  'parking.full': { severity: 'minor', workOrder: null },
  'dispenser.low': { severity: 'minor', workOrder: { department: 'cleaning' } },
  'dispenser.empty': { severity: 'major', workOrder: { department: 'cleaning' } },
  'sensor.threshold': { severity: 'config', workOrder: 'sensor' },
  'equipment.fault': { severity: 'major', workOrder: 'sensor' },
  'device.offline': { severity: 'major', workOrder: { department: 'engineering' } },
  'device.clock_skew': { severity: 'info', workOrder: null },
};

/** A status `ts` further than this from receive time raises device.clock_skew. */
export const CLOCK_SKEW_LIMIT_MS = 120_000;
/** Silence for this many heartbeats means offline. */
export const OFFLINE_AFTER_HEARTBEATS = 3;

/** Alert types a site file's `routing` may send to a department of its own (CONTRACT §2). */
export const ROUTABLE_ALERT_TYPES = ALERT_TYPES.filter((t) => typeof ALERT_RULES[t].workOrder === 'object' && ALERT_RULES[t].workOrder !== null);

/** The department an alert type's work order goes to on a site: its `routing`, else §4's default. */
export function routedDepartment(site: { routing?: Partial<Record<string, string>> }, type: AlertType): string | undefined {
  const rule = ALERT_RULES[type].workOrder;
  if (rule === null || typeof rule !== 'object') return undefined;
  return site.routing?.[type] ?? rule.department;
}
