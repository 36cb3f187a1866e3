// Issue 10.1 / 12.2 — a work order raised by an alert is titled in the reader's language from its
// origin (CONTRACT §4: one open order per (type, subject), per patrol round, per dispenser's
// replenishment), with names, never ids. A title a person typed (complaint, inspection) stays as typed.
import { ALERT_TYPES, type AlertType } from './alerts';
import { alertSentence, alertTitle, roundTitle } from './alert-text';
import { labels, type Language } from './labels';
import { metricName } from './metric-text';
import type { Priority } from './work-order-constants';

export interface WorkOrderTitleSource {
  source: string;
  title: string;
  originKey?: string;
}

export interface WorkOrderNames {
  /** A device, checkpoint or lot by id. */
  device(id: string): string | undefined;
  /** A patrol route by id. */
  route(id: string): string | undefined;
}

export function workOrderTitle(order: WorkOrderTitleSource, lang: Language, names: WorkOrderNames): string {
  const key = order.originKey;
  if (!key || (order.source !== 'alert' && order.source !== 'patrol')) return order.title;
  const said = labels(lang);
  const sep = lang === 'zh-CN' ? '：' : ': ';
  if (key.startsWith('replenish:')) {
    const name = names.device(key.slice('replenish:'.length));
    return name ? `${lang === 'zh-CN' ? '耗材补充' : 'Replenish'}${sep}${name}` : order.title;
  }
  if (key.startsWith('patrol:')) {
    // Round ids are `<site>:<route>:<local date>:<HHMM>` (libs/domain round-plan.ts).
    const [, , routeId, localDate, hhmm] = key.split(':');
    const routeName = routeId ? names.route(routeId) : undefined;
    if (!routeName || !localDate || !hhmm || hhmm.length !== 4) return order.title;
    const round = roundTitle({ routeName, localDate, startLocal: `${hhmm.slice(0, 2)}:${hhmm.slice(2)}` }, lang);
    return `${said.alertType['patrol.missed']}${sep}${round}`;
  }
  const type = ALERT_TYPES.find((t) => key.startsWith(`${t}:`)) as AlertType | undefined;
  if (!type) return order.title;
  const subject = key.slice(type.length + 1);
  const colon = subject.indexOf(':');
  // Sensor subjects are `<sensor>:<metric>` (a limit) or `<sensor>:<fault code>`.
  const device = names.device(colon < 0 ? subject : subject.slice(0, colon));
  if (!device) return order.title;
  const detail = colon < 0 ? '' : type === 'sensor.threshold' ? ` · ${metricName(subject.slice(colon + 1), lang)}` : ` · ${subject.slice(colon + 1)}`;
  return `${said.alertType[type]}${sep}${device}${detail}`;
}

/**
 * Issue 12.2 — what the system writes on a work order's timeline, in a language-neutral form: a key
 * and its parameters (ids and RFC 3339 times). The server keeps its zh-CN `note` beside them for API
 * clients; a screen composes the sentence in its reader's language with systemNoteText().
 */
export interface SystemNoteParams {
  /** The order was raised by this alert. */
  fromAlert: { alertType: AlertType; subject: string; details?: Record<string, unknown> };
  /** The alert rule dispatched it at once to the rule's department. */
  routedByRule: { department: string };
  /** A further alert of the same origin joined the open order. */
  alertJoined: { alertType: AlertType; subject: string; details?: Record<string, unknown> };
  /** A more severe alert joined: priority raised. */
  priorityRaised: { from: Priority; to: Priority };
  /** A deadline passed unmet: escalated one priority step. */
  escalated: { deadline: 'accept' | 'resolve'; dueAt: string; from: Priority; to: Priority };
  /** A resolved complaint not called back in time. */
  callbackOverdue: { dueAt: string };
  /** The device confirmed the condition cleared (CONTRACT §5). */
  verifiedByDevice: { alertType: AlertType; clearedAt: string };
}
export type SystemNoteKey = keyof SystemNoteParams;
export type SystemNote = { [K in SystemNoteKey]: { key: K; params: SystemNoteParams[K] } }[SystemNoteKey];
export const SYSTEM_NOTE_KEYS: readonly SystemNoteKey[] = ['fromAlert', 'routedByRule', 'alertJoined', 'priorityRaised', 'escalated', 'callbackOverdue', 'verifiedByDevice'];

/** How a screen names what a note refers to. */
export interface SystemNoteNames {
  /** An alert's subject (device, sensor metric, round checkpoint) by name. */
  subject(subject: string): string;
  department(id: string): string;
  /** An instant as the screen shows times (the site's zone). */
  time(iso: string): string;
}

/** A timeline entry's key and params as stored; undefined when the key is not one this code knows (a newer server). */
export function systemNote(key: string | undefined, params: unknown): SystemNote | undefined {
  if (!key || !(SYSTEM_NOTE_KEYS as readonly string[]).includes(key) || typeof params !== 'object' || params === null) return undefined;
  return { key, params } as SystemNote;
}

export function systemNoteText(note: SystemNote, lang: Language, names: SystemNoteNames): string {
  const said = labels(lang);
  const zh = lang === 'zh-CN';
  const alert = (p: SystemNoteParams['fromAlert']) => {
    const source = { type: p.alertType, details: p.details };
    const sentence = alertSentence(source, lang);
    return `${alertTitle(source, lang)} · ${names.subject(p.subject)}${sentence ? (zh ? `，${sentence}` : ` — ${sentence}`) : ''}`;
  };
  const priority = (p: { from: Priority; to: Priority }) => `${said.priority[p.from]} → ${said.priority[p.to]}`;
  switch (note.key) {
    case 'fromAlert':
      return zh ? `由告警生成：${alert(note.params)}` : `Raised by an alert: ${alert(note.params)}`;
    case 'alertJoined':
      return zh ? `告警并入本工单：${alert(note.params)}` : `Alert joined this order: ${alert(note.params)}`;
    case 'routedByRule':
      return zh ? `按告警规则派至 ${names.department(note.params.department)}` : `Dispatched by the alert rule to ${names.department(note.params.department)}`;
    case 'priorityRaised':
      return zh ? `更严重的告警并入：优先级 ${priority(note.params)}` : `A more severe alert joined: priority ${priority(note.params)}`;
    case 'escalated': {
      const due = names.time(note.params.dueAt);
      if (note.params.deadline === 'accept') {
        return zh ? `超过受理时限（${due}）仍未受理：升级，优先级 ${priority(note.params)}` : `Not accepted by ${due}: escalated, priority ${priority(note.params)}`;
      }
      return zh ? `超过解决时限（${due}）仍未解决：升级，优先级 ${priority(note.params)}` : `Not resolved by ${due}: escalated, priority ${priority(note.params)}`;
    }
    case 'callbackOverdue':
      return zh ? `回访逾期：应于 ${names.time(note.params.dueAt)} 前完成回访` : `Callback overdue: it was due by ${names.time(note.params.dueAt)}`;
    case 'verifiedByDevice':
      return zh
        ? `设备确认恢复：${said.alertType[note.params.alertType]} 已于 ${names.time(note.params.clearedAt)} 清除`
        : `The device confirmed recovery: ${said.alertType[note.params.alertType]} cleared at ${names.time(note.params.clearedAt)}`;
  }
}
