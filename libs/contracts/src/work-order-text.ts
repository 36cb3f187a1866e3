// Issue 10.1 / 12.2 — a work order raised by an alert is titled in the reader's language from its
// origin (CONTRACT §4: one open order per (type, subject), per patrol round, per dispenser's
// replenishment), with names, never ids. A title a person typed (complaint, inspection) stays as typed.
import { ALERT_TYPES, type AlertType } from './alerts';
import { roundTitle } from './alert-text';
import { labels, type Language } from './labels';
import { metricName } from './metric-text';

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
