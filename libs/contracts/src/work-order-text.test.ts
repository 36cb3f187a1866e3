import { describe, expect, it } from 'vitest';
import { workOrderTitle } from './work-order-text';

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
