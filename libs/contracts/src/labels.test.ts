// Issue 10.1: every enum value has a label in every language, and no label is the id itself or
// accidentally the same word in two languages (a Chinese screen showing "critical" is a missing
// label in disguise). Walks the contract's own lists, so a new enum value fails here first.
import { describe, expect, it } from 'vitest';
import { ALERT_STATUSES, ALERT_TYPES } from './alerts';
import { alertMessage, alertSentence, alertTitle } from './alert-text';
import { ROLES } from './api';
import { LABELS, LANGUAGES, type Vocabulary } from './labels';
import { metricName, readingAgainstLimit } from './metric-text';
import { CONSUMABLES, SEVERITIES } from './site-config';
import { DEVICE_KINDS } from './topics';
import { CHANNELS, PRIORITIES, VERIFIED_BY, WORK_ORDER_SOURCES, WORK_ORDER_STATUS_IDS } from './work-order-constants';

const ENUMS: { [K in keyof Vocabulary]?: readonly string[] } = {
  alertType: ALERT_TYPES,
  severity: SEVERITIES,
  alertStatus: [...ALERT_STATUSES, 'clearedUnacked'],
  woStatus: WORK_ORDER_STATUS_IDS,
  woVerifiedBy: VERIFIED_BY,
  woSource: WORK_ORDER_SOURCES,
  woAction: ['create', 'dispatch', 'accept', 'start', 'resolve', 'verify', 'reopen', 'close', 'comment', 'escalate', 'attach_alert', 'priority', 'callback_overdue'],
  priority: PRIORITIES,
  channel: CHANNELS,
  consumable: CONSUMABLES,
  deviceKind: DEVICE_KINDS,
  role: ROLES,
  department: ['security', 'cleaning', 'engineering', 'parking', 'service'],
};
const CJK = /[\u3400-\u9fff]/;
const rows = Object.entries(ENUMS).flatMap(([group, values]) => values!.map((value) => ({ group: group as keyof Vocabulary, value })));

describe('label vocabulary', () => {
  it.each(rows)('$group.$value has a label in every language, none the id, none shared', ({ group, value }) => {
    const said = LANGUAGES.map((lang) => (LABELS[lang][group] as Record<string, string>)[value]);
    for (const label of said) {
      expect(label, `${group}.${value}`).toBeTruthy();
      expect(label).not.toBe(value);
    }
    expect(new Set(said).size, `${group}.${value} reads the same in every language: ${said.join(' / ')}`).toBe(LANGUAGES.length);
    expect(said[0]).toMatch(CJK);
    expect(said[1]).not.toMatch(CJK);
  });

  it.each(LANGUAGES)('%s has no label the vocabulary does not list', (lang) => {
    for (const [group, values] of Object.entries(ENUMS)) {
      expect(Object.keys(LABELS[lang][group as keyof Vocabulary]).sort()).toEqual([...values!].sort());
    }
  });
});

describe(alertTitle.name, () => {
  const trapped = { type: 'sensor.threshold' as const, details: { metric: 'trapped', value: true, breach: 'equals', limit: { equals: true, forSec: 0 } } };
  it.each([
    { name: 'a named limit is the title', alert: { ...trapped, details: { ...trapped.details, label: { 'zh-CN': '电梯困人', en: 'Passenger trapped' } } }, zh: '电梯困人', en: 'Passenger trapped' },
    { name: 'an unnamed boolean limit says the state', alert: trapped, zh: '困人', en: 'Passenger trapped' },
    {
      name: 'an unnamed upper limit quotes value and limit',
      alert: { type: 'sensor.threshold' as const, details: { metric: 'temperature_c', value: 92, breach: 'max', limit: { max: 85, forSec: 30 } } },
      zh: '温度 92 °C，高于上限 85 °C',
      en: 'Temperature 92 °C, above the 85 °C limit',
    },
    { name: 'other types read their type', alert: { type: 'gate.fault' as const, details: { fault: 'E42' } }, zh: '道闸故障', en: 'Gate fault' },
  ])('$name', ({ alert, zh, en }) => {
    expect(alertTitle(alert, 'zh-CN')).toBe(zh);
    expect(alertTitle(alert, 'en')).toBe(en);
  });

  it('a label given in one language only falls back to the default reading in the other', () => {
    const alert = { ...trapped, details: { ...trapped.details, label: { 'zh-CN': '电梯困人' } } };
    expect(alertTitle(alert, 'en')).toBe('Passenger trapped');
  });
});

describe(alertSentence.name, () => {
  it.each(ALERT_TYPES)('%s composes in English without Chinese, in Chinese without English ids', (type) => {
    const details = {
      routeName: 'Day round', localDate: '2026-12-04', startLocal: '09:30', plannedLocal: '09:30', visitedLocal: '09:52',
      windowStartLocal: '09:15', windowEndLocal: '09:45', minutes: 22, card: '04AA', tappedLocal: '10:01', openSec: 300,
      stuckOpenSec: 120, fault: 'E1', occupancy: 120, capacity: 120, level: 4, lowPct: 20, emptyPct: 5, consumable: 'soap',
      metric: 'temperature_c', value: 92, breach: 'max', limit: { max: 85, forSec: 30 }, code: 'E-DOOR', reason: 'silence',
      silentSec: 200, heartbeatSec: 60, skewMs: 600_000,
    };
    expect(alertSentence({ type, details }, 'en')).not.toMatch(CJK);
    expect(alertSentence({ type, details }, 'zh-CN')).not.toMatch(/undefined|\.|_/);
  });

  it('the zh-CN message for API clients names the subject once', () => {
    const alert = { type: 'sensor.threshold' as const, details: { metric: 'leak', value: true, breach: 'equals', limit: { equals: true, forSec: 0 }, label: { 'zh-CN': '水泵房漏水' } } };
    expect(alertMessage('1号水泵', alert)).toBe('1号水泵：水泵房漏水，漏水');
    expect(alertMessage('北门入口', { type: 'gate.fault', details: { fault: 'E42' } })).toBe('北门入口：道闸故障（代码 E42）');
    expect(alertMessage('北门入口', { type: 'device.offline', details: { reason: 'last_will' } })).toBe('北门入口：设备离线，连接中断（遗嘱消息）');
  });
});

describe('a named limit', () => {
  it('its row says the reading, unless the reading only repeats the name', () => {
    const trapped = { type: 'sensor.threshold' as const, details: { metric: 'trapped', value: true, breach: 'equals', limit: { equals: true, forSec: 0 }, label: { 'zh-CN': '电梯困人', en: 'Passenger trapped' } } };
    expect(alertSentence(trapped, 'en')).toBe('');
    expect(alertSentence(trapped, 'zh-CN')).toBe('困人');
  });
});

describe(metricName.name, () => {
  it.each([
    { key: 'cabin_temp_c', en: 'Cabin temperature', zh: '轿厢温度' },
    { key: 'motor_current_a', en: 'Motor current', zh: 'motor current' }, // unknown: the key with spaces, never the raw id
  ])('$key', ({ key, en, zh }) => {
    expect(metricName(key, 'en')).toBe(en);
    expect(metricName(key, 'zh-CN')).toBe(zh);
  });

  it('a lower limit reads as one', () => {
    expect(readingAgainstLimit('pressure_mpa', 0.12, 'min', { min: 0.2 }, 'en')).toBe('Pressure 0.12 MPa, below the 0.2 MPa limit');
  });
});
