import { describe, expect, it } from 'vitest';
import { systemNote, systemNoteText, workOrderTitle, type SystemNote } from './work-order-text';

const names = {
  device: (id: string) => ({ 'gate-north-in': '北门入口', 'club-wc-soap': '会所洗手间 洗手液', 'elevator-b7-1': '7栋1号电梯' })[id],
  route: (id: string) => ({ 'day-round': '日间巡查' })[id],
};

describe(workOrderTitle.name, () => {
  it.each([
    { why: 'an alert order: type and device by name', order: { source: 'alert', title: '道闸故障：北门入口：道闸故障（代码 E1）', originKey: 'gate.fault:gate-north-in' }, zh: '道闸故障：北门入口', en: 'Gate fault: 北门入口' },
    { why: 'a sensor limit names the metric in words', order: { source: 'alert', title: 'x', originKey: 'sensor.threshold:elevator-b7-1:trapped' }, zh: '传感器超限：7栋1号电梯 · 困人', en: 'Sensor out of range: 7栋1号电梯 · Passenger trapped' },
    { why: 'a dispenser order is its replenishment', order: { source: 'alert', title: 'x', originKey: 'replenish:club-wc-soap' }, zh: '耗材补充：会所洗手间 洗手液', en: 'Replenish: 会所洗手间 洗手液' },
    { why: 'a patrol order is its round', order: { source: 'patrol', title: 'x', originKey: 'patrol:lakeside:day-round:2026-11-27:0930' }, zh: '巡更漏检：日间巡查 2026-11-27 09:30 轮', en: 'Checkpoint missed: 日间巡查, 2026-11-27 09:30' },
    { why: 'a complaint keeps what the person typed', order: { source: 'complaint', title: '楼上漏水' }, zh: '楼上漏水', en: '楼上漏水' },
    { why: 'an unknown device keeps the server title rather than show an id', order: { source: 'alert', title: '设备离线：gone', originKey: 'device.offline:gone' }, zh: '设备离线：gone', en: '设备离线：gone' },
  ])('$why', ({ order, zh, en }) => {
    expect(workOrderTitle(order, 'zh-CN', names)).toBe(zh);
    expect(workOrderTitle(order, 'en', names)).toBe(en);
  });
});

describe(systemNoteText.name, () => {
  const said = {
    subject: (s: string) => ({ 'club-wc-soap': '会所洗手间 洗手液', 'elevator-b7-1:E-DOOR': '7栋1号电梯' })[s] ?? s,
    department: (id: string) => ({ cleaning: 'Cleaning' })[id] ?? id,
    time: (iso: string) => iso.replace('T', ' ').slice(0, 16),
  };
  const CJK = /[\u3400-\u9fff]/;
  it.each([
    { why: 'raised by an alert: its title, subject by name and sentence', note: { key: 'fromAlert', params: { alertType: 'dispenser.low', subject: 'club-wc-soap', details: { level: 12, lowPct: 20, consumable: 'soap' } } }, zh: /^由告警生成：耗材不足 · 会所洗手间 洗手液/, en: /^Raised by an alert: .+ · 会所洗手间 洗手液/ },
    { why: 'dispatched by the rule: the department by name', note: { key: 'routedByRule', params: { department: 'cleaning' } }, zh: /^按告警规则派至 Cleaning$/, en: /^Dispatched by the alert rule to Cleaning$/ },
    { why: 'an escalation names the deadline, its time and the priorities', note: { key: 'escalated', params: { deadline: 'accept', dueAt: '2026-11-27T09:30:00Z', from: 'normal', to: 'high' } }, zh: /^超过受理时限（2026-11-27 09:30）仍未受理：升级，优先级 普通 → 高$/, en: /^Not accepted by 2026-11-27 09:30: escalated, priority Normal → High$/ },
    { why: 'a resolve escalation says so', note: { key: 'escalated', params: { deadline: 'resolve', dueAt: '2026-11-27T09:30:00Z', from: 'high', to: 'urgent' } }, zh: /超过解决时限/, en: /^Not resolved by .*High → Urgent$/ },
    { why: 'a callback overdue', note: { key: 'callbackOverdue', params: { dueAt: '2026-11-30T09:30:00Z' } }, zh: /^回访逾期：应于 2026-11-30 09:30 前完成回访$/, en: /^Callback overdue: it was due by 2026-11-30 09:30$/ },
    { why: 'a more severe alert joined', note: { key: 'priorityRaised', params: { from: 'normal', to: 'high' } }, zh: /^更严重的告警并入：优先级 普通 → 高$/, en: /^A more severe alert joined: priority Normal → High$/ },
    { why: 'verified by the device: the alert type in words, not its id', note: { key: 'verifiedByDevice', params: { alertType: 'dispenser.low', clearedAt: '2026-11-27T01:45:00Z' } }, zh: /^设备确认恢复：耗材不足 已于 2026-11-27 01:45 清除$/, en: /^The device confirmed recovery: .+ cleared at 2026-11-27 01:45$/ },
    { why: 'an alert joined: the subject by name', note: { key: 'alertJoined', params: { alertType: 'equipment.fault', subject: 'elevator-b7-1:E-DOOR', details: { code: 'E-DOOR' } } }, zh: /^告警并入本工单：.+ · 7栋1号电梯/, en: /^Alert joined this order: .+ · 7栋1号电梯/ },
  ] as { why: string; note: SystemNote; zh: RegExp; en: RegExp }[])('$why', ({ note, zh, en }) => {
    expect(systemNoteText(note, 'zh-CN', said)).toMatch(zh);
    const english = systemNoteText(note, 'en', said);
    expect(english).toMatch(en);
    // English has no Chinese but the names the site file gives.
    expect(english.replace('会所洗手间 洗手液', '').replace('7栋1号电梯', '')).not.toMatch(CJK);
    expect(english).not.toMatch(/dispenser\.low|equipment\.fault|club-wc-soap/);
  });

  it.each([
    { key: undefined, params: {} },
    { key: 'fromTheFuture', params: {} },
    { key: 'callbackOverdue', params: null },
  ])('an entry with key $key and params $params is not a note this code composes', ({ key, params }) => {
    expect(systemNote(key, params)).toBeUndefined();
  });
});
