// Pure rules behind the alerts store: which alerts are open, how the list is ordered,
// what deserves a sound, and how the buffer stays bounded. No Vue, no I/O: unit-tested.
import type { AlertDto, AlertStatus, AlertType, Severity } from '@estate-watch/contracts';

export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2, info: 3 };

/** Severities that earn a toast and a chime when a new alert is raised. */
const LOUD: ReadonlySet<Severity> = new Set<Severity>(['critical', 'major']);

export type StatusFilter = 'open' | 'all' | AlertStatus;
export interface AlertFilter {
  status: StatusFilter;
  type: AlertType | 'all';
}

/**
 * CONTRACT §4: an alert that cleared before anyone acknowledged it stays in front of the
 * control room until someone does, so "open" is not-cleared OR cleared-but-unacknowledged.
 */
export function isOpen(alert: AlertDto): boolean {
  return alert.status !== 'cleared' || !alert.acknowledgedAt;
}

/** Most severe first, then the most recently raised. */
export function compareAlerts(a: AlertDto, b: AlertDto): number {
  const bySeverity = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  if (bySeverity !== 0) return bySeverity;
  const byTime = Date.parse(b.raisedAt) - Date.parse(a.raisedAt);
  return byTime !== 0 ? byTime : a.id.localeCompare(b.id);
}

export function matchesFilter(alert: AlertDto, filter: AlertFilter): boolean {
  if (filter.type !== 'all' && alert.type !== filter.type) return false;
  if (filter.status === 'all') return true;
  if (filter.status === 'open') return isOpen(alert);
  return alert.status === filter.status;
}

export function visibleAlerts(alerts: Iterable<AlertDto>, filter: AlertFilter): AlertDto[] {
  return [...alerts].filter((a) => matchesFilter(a, filter)).sort(compareAlerts);
}

/** The tab title's number (STYLE: open critical alerts). */
export function openCriticalCount(alerts: Iterable<AlertDto>): number {
  let n = 0;
  for (const a of alerts) if (a.severity === 'critical' && isOpen(a)) n++;
  return n;
}

/**
 * A toast and a chime only when a major/critical alert is newly raised — never for a repeat
 * (count and lastSeenAt updates) nor for acknowledge/clear, so a flapping sensor stays quiet.
 */
export function isLoudRaise(previous: AlertDto | undefined, next: AlertDto): boolean {
  if (!LOUD.has(next.severity) || next.status !== 'active' || next.withdrawn) return false;
  return previous === undefined || previous.status === 'cleared';
}

/**
 * Inserts or replaces `alert` (removes it when withdrawn) and keeps at most `limit` entries: closed alerts
 * (cleared and acknowledged) go first, oldest first; open ones only if nothing else is left.
 * Returns the evicted ids.
 */
export function upsertBounded(buffer: Map<string, AlertDto>, alert: AlertDto, limit: number): string[] {
  // An alarm told ahead of its commit whose message was not stored after all (issue 9.4): gone.
  if (alert.withdrawn) {
    buffer.delete(alert.id);
    return [];
  }
  buffer.set(alert.id, alert);
  return trim(buffer, limit);
}

export function trim(buffer: Map<string, AlertDto>, limit: number): string[] {
  if (buffer.size <= limit) return [];
  const byAge = (a: AlertDto, b: AlertDto) => Date.parse(a.lastSeenAt) - Date.parse(b.lastSeenAt);
  const all = [...buffer.values()];
  const candidates = [...all.filter((a) => !isOpen(a)).sort(byAge), ...all.filter(isOpen).sort(byAge)];
  const evicted = candidates.slice(0, buffer.size - limit).map((a) => a.id);
  for (const id of evicted) buffer.delete(id);
  return evicted;
}

/**
 * After a (re)fetch of one status scope, alerts the buffer still holds in that scope but the
 * server no longer returns left it while we were away (e.g. cleared and acknowledged
 * elsewhere): drop them so the list does not show stale open alerts.
 */
export function staleIds(buffer: Map<string, AlertDto>, fetched: AlertDto[], filter: AlertFilter): string[] {
  const present = new Set(fetched.map((a) => a.id));
  return [...buffer.values()].filter((a) => matchesFilter(a, filter) && !present.has(a.id)).map((a) => a.id);
}

/** The status chip: a cleared alert nobody acknowledged still asks for an acknowledgement. */
export function statusKey(alert: AlertDto): AlertStatus | 'clearedUnacked' {
  return alert.status === 'cleared' && !alert.acknowledgedAt ? 'clearedUnacked' : alert.status;
}

/**
 * A person's name for an alert's subject (CONTRACT §6: the device, checkpoint or round it is about):
 * a device's name; for a patrol alert (`<round id>/<checkpoint>`) the checkpoint's; for a sensor
 * limit or fault (`<sensor>:<metric or code>`) the sensor's (the title names the metric, in words).
 * Undefined when nothing is known, and the raw subject is shown.
 */
export function subjectName(subject: string, names: ReadonlyMap<string, string>): string | undefined {
  const direct = names.get(subject);
  if (direct) return direct;
  const slash = subject.lastIndexOf('/');
  if (slash >= 0) return names.get(subject.slice(slash + 1));
  const colon = subject.indexOf(':');
  return colon > 0 ? names.get(subject.slice(0, colon)) : undefined;
}
