// CONTRACT §4 table, last column — which work order an alert raises or joins, in one pure rule.
// The patrol, parking, dispenser and sensor rules only raise alerts; this decides the order.
import {
  ALERT_RULES,
  DEFAULT_ROUTE_DEPARTMENT,
  LABELS,
  DEFAULT_SENSOR_DEPARTMENT,
  routedDepartment,
  type AlertType,
  type DepartmentId,
  type Priority,
  type Severity,
  type WorkOrderSourceId,
} from '@estate-watch/contracts';

export interface AlertFacts {
  type: AlertType;
  subject: string;
  severity: Severity;
  message: string;
  details?: Record<string, unknown>;
}

/** The parts of the site file the routing needs. */
export interface RoutingConfig {
  routes: readonly { id: string; department: DepartmentId }[];
  sensors: readonly { id: string; department: DepartmentId }[];
  /** The site's own departments for §4's defaults (CONTRACT §2 `routing`). */
  routing?: Partial<Record<AlertType, DepartmentId>>;
}

export interface AlertWorkOrderPlan {
  /** One open order per key: (type, subject), the patrol round, or the dispenser's replenishment. */
  originKey: string;
  source: WorkOrderSourceId;
  department: DepartmentId;
  priority: Priority;
  title: string;
  /** Timeline note when the alert joins an order already open for its key. */
  joinNote: string;
}

const SEVERITY_PRIORITY: Record<Severity, Priority> = { info: 'normal', minor: 'normal', major: 'high', critical: 'urgent' };

/** Order titles say the alert type as every screen does (contracts labels.ts); a dispenser's order is its replenishment. */
const TITLES: Partial<Record<AlertType, string>> = { 'dispenser.low': '耗材补充', 'dispenser.empty': '耗材补充' };

export function priorityForSeverity(severity: Severity): Priority {
  return SEVERITY_PRIORITY[severity];
}

export function originKey(alert: Pick<AlertFacts, 'type' | 'subject' | 'details'>): string {
  if (alert.type === 'patrol.missed') {
    const round = alert.details?.roundId;
    return `patrol:${typeof round === 'string' && round ? round : alert.subject}`;
  }
  if (alert.type === 'dispenser.low' || alert.type === 'dispenser.empty') return `replenish:${alert.subject}`;
  return `${alert.type}:${alert.subject}`;
}

/** The work order an alert leads to, or null when its type raises none (§4). */
export function planWorkOrder(alert: AlertFacts, site: RoutingConfig): AlertWorkOrderPlan | null {
  const target = ALERT_RULES[alert.type].workOrder;
  if (target === null) return null;
  return {
    originKey: originKey(alert),
    source: alert.type.startsWith('patrol.') ? 'patrol' : 'alert',
    department: department(target, alert, site),
    priority: priorityForSeverity(alert.severity),
    title: `${TITLES[alert.type] ?? LABELS['zh-CN'].alertType[alert.type]}：${roundTitle(alert) ?? alert.message}`.slice(0, 100),
    joinNote: joinNote(alert),
  };
}

/** A patrol order is the round's: its title names the round, not the first checkpoint missed. */
function roundTitle(alert: AlertFacts): string | undefined {
  const round = alert.details?.roundTitle;
  return alert.type === 'patrol.missed' && typeof round === 'string' && round ? round : undefined;
}

/** Each further missed checkpoint of a round is listed on its order's timeline with its message. */
function joinNote(alert: AlertFacts): string {
  const label = `告警 ${alert.type}（${alert.subject}）并入本工单`;
  return alert.type === 'patrol.missed' ? `${label}：${alert.message}`.slice(0, 500) : label;
}

function department(target: 'route' | 'sensor' | { department: string }, alert: AlertFacts, site: RoutingConfig): DepartmentId {
  if (target === 'route') {
    const routeId = alert.details?.routeId;
    // A round we cannot place goes where a route naming no department goes (§2).
    return site.routes.find((r) => r.id === routeId)?.department ?? DEFAULT_ROUTE_DEPARTMENT;
  }
  if (target === 'sensor') return site.sensors.find((s) => s.id === sensorOf(alert.subject))?.department ?? DEFAULT_SENSOR_DEPARTMENT;
  return routedDepartment(site, alert.type) ?? target.department;
}

/** Sensor alerts are about `${sensorId}:${metric}` or `${sensorId}:${code}`; device ids hold no ':' (CONTRACT §1). */
function sensorOf(subject: string): string {
  const colon = subject.indexOf(':');
  return colon < 0 ? subject : subject.slice(0, colon);
}
