// Issue 10.1 / 12.2–3 — what an alert says, composed from its `type` and structured `details` in
// the reader's language. The server keeps a zh-CN `message` for API clients (alertMessage); each
// screen composes title and sentence in its own language. Neither repeats the subject's name:
// the list shows it in its own column. Plain code, no zod: the browser bundle imports it.
import type { AlertType } from './alerts';
import { labels, type Consumable, type Language } from './labels';
import { metricName, metricReading, readingAgainstLimit, type LimitText } from './metric-text';

/** A limit's own name per language (site file `label`, CONTRACT §2 addition): the alert's title. */
export type LocalName = Partial<Record<Language, string>>;

export interface AlertTextSource {
  type: AlertType;
  details?: Record<string, unknown>;
}

/** The headline: a site-named limit's own name, else the reading that broke it, else the type. */
export function alertTitle(alert: AlertTextSource, lang: Language): string {
  const d = alert.details ?? {};
  if (alert.type === 'sensor.threshold') {
    const own = localName(d.label, lang);
    if (own) return own;
    const reading = thresholdReading(d, lang);
    if (reading) return reading;
  }
  return labels(lang).alertType[alert.type];
}

/** What happened, in a phrase; empty when the title already says it all. */
export function alertSentence(alert: AlertTextSource, lang: Language): string {
  const d = alert.details ?? {};
  const zh = lang === 'zh-CN';
  const n = (key: string) => (typeof d[key] === 'number' ? (d[key] as number) : undefined);
  const s = (key: string) => (typeof d[key] === 'string' ? (d[key] as string) : undefined);
  switch (alert.type) {
    case 'patrol.missed': {
      const round = roundTitle(d, lang);
      const window = s('windowStartLocal') && s('windowEndLocal') ? `${s('windowStartLocal')}–${s('windowEndLocal')}` : undefined;
      const planned = s('plannedLocal');
      if (zh) return join('，', round, planned && `计划 ${planned}`, window && `窗口 ${window} 内无刷卡`);
      return join(', ', round, planned && `planned ${planned}`, window && `no tap in ${window}`);
    }
    case 'patrol.late':
    case 'patrol.early': {
      const minutes = n('minutes');
      const late = alert.type === 'patrol.late';
      const times = s('plannedLocal') && s('visitedLocal');
      const guard = s('guardName') ?? s('guardId');
      if (zh) {
        const what = minutes === undefined ? '' : `${late ? '迟到' : '提前'} ${minutes} 分钟`;
        return join('，', roundTitle(d, lang), what + (times ? `（计划 ${s('plannedLocal')}，实到 ${s('visitedLocal')}）` : ''), guard);
      }
      const what = minutes === undefined ? '' : `${minutes} min ${late ? 'late' : 'early'}`;
      return join(', ', roundTitle(d, lang), what + (times ? ` (planned ${s('plannedLocal')}, tapped ${s('visitedLocal')})` : ''), guard);
    }
    case 'patrol.out_of_order':
      return join(zh ? '，' : ', ', roundTitle(d, lang), zh ? '未按路线顺序巡查' : 'tapped out of route order', s('guardName') ?? s('guardId'));
    case 'patrol.unknown_card':
      return zh ? `未登记卡 ${s('card') ?? '?'} 刷卡${s('tappedLocal') ? `（${s('tappedLocal')}）` : ''}` : `unregistered card ${s('card') ?? '?'} tapped${s('tappedLocal') ? ` at ${s('tappedLocal')}` : ''}`;
    case 'gate.stuck_open':
      return zh ? `道闸持续开启 ${n('openSec') ?? '?'} 秒（超过 ${n('stuckOpenSec') ?? '?'} 秒）` : `open for ${n('openSec') ?? '?'} s (limit ${n('stuckOpenSec') ?? '?'} s)`;
    case 'gate.fault':
      return zh ? `道闸故障（代码 ${String(d.fault ?? '?')}）` : `fault code ${String(d.fault ?? '?')}`;
    case 'parking.full':
      return zh ? `车位已满（${n('occupancy') ?? '?'}/${n('capacity') ?? '?'}）` : `full (${n('occupancy') ?? '?'} of ${n('capacity') ?? '?'})`;
    case 'dispenser.low':
    case 'dispenser.empty': {
      const consumable = labels(lang).consumable[s('consumable') as Consumable] ?? '';
      const level = n('level') === undefined ? '?' : round1(n('level')!);
      if (alert.type === 'dispenser.low') return zh ? `${consumable}余量 ${level}%（低于 ${n('lowPct')}%）` : `${consumable} at ${level}% (low at ${n('lowPct')}%)`;
      return zh ? `${consumable}已空，余量 ${level}%（不高于 ${n('emptyPct')}%）` : `${consumable} empty: ${level}% (empty at ${n('emptyPct')}%)`;
    }
    case 'sensor.threshold': {
      const name = localName(d.label, lang);
      const forSec = (d.limit as LimitText | undefined)?.forSec ?? 0;
      const lasting = forSec > 0 ? (zh ? `持续 ${forSec} 秒以上` : `for over ${forSec} s`) : '';
      // Under a site-given name the reading says what was measured, unless it only repeats the name.
      const reading = name ? thresholdReading(d, lang) : '';
      return join(zh ? '，' : ', ', reading === name ? '' : reading, lasting);
    }
    case 'equipment.fault': {
      const text = s('text');
      return zh ? `故障 ${String(d.code ?? '?')}${text ? `（${text}）` : ''}` : `fault ${String(d.code ?? '?')}${text ? ` (${text})` : ''}`;
    }
    case 'device.offline': {
      const reason = s('reason');
      if (reason === 'last_will') return zh ? '连接中断（遗嘱消息）' : 'connection lost (last will)';
      if (reason === 'silence') {
        return zh
          ? `${n('silentSec') ?? '?'} 秒无状态上报（心跳周期 ${n('heartbeatSec') ?? '?'} 秒）`
          : `no status for ${n('silentSec') ?? '?'} s (heartbeat ${n('heartbeatSec') ?? '?'} s)`;
      }
      return zh ? '设备上报离线' : 'reported itself offline';
    }
    case 'device.clock_skew': {
      const skew = n('skewMs') ?? 0;
      const sec = Math.round(Math.abs(skew) / 1000);
      if (zh) return `设备时钟比服务器${skew > 0 ? '慢' : '快'} ${sec} 秒`;
      return `clock ${sec} s ${skew > 0 ? 'behind' : 'ahead of'} the server`;
    }
  }
}

/** The zh-CN `message` the server stores for API clients (CONTRACT §6): "<subject name>：<title>，<what happened>". */
export function alertMessage(subjectName: string, alert: AlertTextSource): string {
  const title = alertTitle(alert, 'zh-CN');
  const sentence = alertSentence(alert, 'zh-CN');
  return `${subjectName}：${sentence.includes(title) ? sentence : join('，', title, sentence)}`;
}

/** A patrol round as a person says it: "日间巡查 2026-12-04 09:30 轮" / "Day round, 2026-12-04 09:30". */
export function roundTitle(d: Record<string, unknown>, lang: Language): string | undefined {
  const { routeName, localDate, startLocal } = d as Record<string, string | undefined>;
  if (!routeName || !localDate || !startLocal) return typeof d.roundTitle === 'string' ? d.roundTitle : undefined;
  return lang === 'zh-CN' ? `${routeName} ${localDate} ${startLocal} 轮` : `${routeName}, ${localDate} ${startLocal}`;
}

function thresholdReading(d: Record<string, unknown>, lang: Language): string {
  const metric = typeof d.metric === 'string' ? d.metric : undefined;
  const value = typeof d.value === 'number' || typeof d.value === 'boolean' ? d.value : undefined;
  if (!metric || value === undefined) return '';
  const limit = d.limit as LimitText | undefined;
  if (!limit) return `${metricName(metric, lang)} ${metricReading(metric, value, lang)}`;
  return readingAgainstLimit(metric, value, d.breach as 'min' | 'max' | 'equals' | undefined, limit, lang);
}

function localName(label: unknown, lang: Language): string | undefined {
  if (typeof label !== 'object' || label === null) return undefined;
  const own = (label as LocalName)[lang];
  return typeof own === 'string' && own ? own : undefined;
}

function join(sep: string, ...parts: (string | undefined | false | '')[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(sep);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
