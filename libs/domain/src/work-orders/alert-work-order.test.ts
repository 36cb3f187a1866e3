import { describe, expect, it } from 'vitest';
import { ALERT_TYPES, type AlertType, type Severity } from '@estate-watch/contracts';
import { originKey, planWorkOrder, priorityForSeverity, type RoutingConfig } from './alert-work-order';

const site: RoutingConfig = {
  routes: [
    { id: 'day-round', department: 'security' },
    { id: 'garage-round', department: 'parking' },
  ],
  sensors: [
    { id: 'boiler-1', department: 'engineering' },
    { id: 'pool-pump', department: 'cleaning' },
  ],
};

const alert = (type: AlertType, subject: string, severity: Severity, details?: Record<string, unknown>) => ({ type, subject, severity, message: 'x', details });

// CONTRACT §4: the table's last column, row by row.
describe(planWorkOrder.name, () => {
  it.each([
    { type: 'patrol.missed', subject: 'cp-1', severity: 'major', details: { routeId: 'garage-round', roundId: 'garage-round@2026-11-27T09:30' }, expected: { originKey: 'patrol:garage-round@2026-11-27T09:30', source: 'patrol', department: 'parking', priority: 'high' } },
    { type: 'patrol.missed', subject: 'cp-1', severity: 'major', details: { routeId: 'day-round' }, expected: { originKey: 'patrol:cp-1', source: 'patrol', department: 'security', priority: 'high' } },
    { type: 'patrol.unknown_card', subject: 'cp-1', severity: 'major', expected: { originKey: 'patrol.unknown_card:cp-1', source: 'patrol', department: 'security', priority: 'high' } },
    { type: 'gate.stuck_open', subject: 'gate-1', severity: 'major', expected: { originKey: 'gate.stuck_open:gate-1', source: 'alert', department: 'parking', priority: 'high' } },
    { type: 'gate.fault', subject: 'gate-1', severity: 'major', expected: { originKey: 'gate.fault:gate-1', source: 'alert', department: 'engineering', priority: 'high' } },
    { type: 'dispenser.low', subject: 'soap-1', severity: 'minor', expected: { originKey: 'replenish:soap-1', source: 'alert', department: 'cleaning', priority: 'normal' } },
    { type: 'dispenser.empty', subject: 'soap-1', severity: 'major', expected: { originKey: 'replenish:soap-1', source: 'alert', department: 'cleaning', priority: 'high' } },
    { type: 'sensor.threshold', subject: 'pool-pump', severity: 'critical', expected: { originKey: 'sensor.threshold:pool-pump', source: 'alert', department: 'cleaning', priority: 'urgent' } },
    { type: 'sensor.threshold', subject: 'boiler-1', severity: 'minor', expected: { originKey: 'sensor.threshold:boiler-1', source: 'alert', department: 'engineering', priority: 'normal' } },
    { type: 'sensor.threshold', subject: 'pool-pump:pressure_bar', severity: 'major', expected: { originKey: 'sensor.threshold:pool-pump:pressure_bar', source: 'alert', department: 'cleaning', priority: 'high' } },
    { type: 'equipment.fault', subject: 'pool-pump:E42', severity: 'major', expected: { originKey: 'equipment.fault:pool-pump:E42', source: 'alert', department: 'cleaning', priority: 'high' } },
    { type: 'equipment.fault', subject: 'pool-pump', severity: 'major', expected: { originKey: 'equipment.fault:pool-pump', source: 'alert', department: 'cleaning', priority: 'high' } },
    { type: 'device.offline', subject: 'gate-1', severity: 'major', expected: { originKey: 'device.offline:gate-1', source: 'alert', department: 'engineering', priority: 'high' } },
  ] as const)('$type on $subject → $expected.department, $expected.priority, key $expected.originKey', ({ type, subject, severity, details, expected }) => {
    expect(planWorkOrder(alert(type, subject, severity, details), site)).toMatchObject(expected);
  });

  // CONTRACT §2 — a site routes §4's defaults to departments of its own; unmapped types keep §4's.
  const ownSite: RoutingConfig = {
    routes: [{ id: 'night-round', department: '秩序维护部' }],
    sensors: [{ id: 'pool-pump', department: 'greening' }],
    routing: { 'gate.fault': 'maintenance', 'gate.stuck_open': 'car-team', 'dispenser.low': 'environment', 'dispenser.empty': 'environment', 'device.offline': 'maintenance' },
  };
  it.each([
    { type: 'gate.fault', subject: 'gate-1', details: undefined, department: 'maintenance' },
    { type: 'gate.stuck_open', subject: 'gate-1', details: undefined, department: 'car-team' },
    { type: 'dispenser.empty', subject: 'soap-1', details: undefined, department: 'environment' },
    { type: 'device.offline', subject: 'cp-1', details: undefined, department: 'maintenance' },
    { type: 'patrol.unknown_card', subject: 'cp-1', details: undefined, department: 'security' }, // not mapped: §4's default
    { type: 'patrol.missed', subject: 'cp-1', details: { routeId: 'night-round' }, department: '秩序维护部' },
    { type: 'sensor.threshold', subject: 'pool-pump:ph', details: undefined, department: 'greening' },
  ] as const)("with the site's routing, $type → $department", ({ type, subject, details, department }) => {
    expect(planWorkOrder(alert(type, subject, 'major', details), ownSite)?.department).toBe(department);
  });

  it.each(['patrol.late', 'patrol.early', 'patrol.out_of_order', 'parking.full', 'device.clock_skew'] as const)('%s raises no work order', (type) => {
    expect(planWorkOrder(alert(type, 's', 'minor'), site)).toBeNull();
  });

  it('every alert type is decided (no type falls through the table)', () => {
    const decided = ALERT_TYPES.filter((t) => planWorkOrder(alert(t, 's', 'major'), site) !== null);
    expect(decided).toHaveLength(9);
  });

  it('a missed checkpoint of an unknown route goes to security, a sensor not in the file to engineering', () => {
    expect(planWorkOrder(alert('patrol.missed', 'cp-9', 'major', { routeId: 'gone' }), site)?.department).toBe('security');
    expect(planWorkOrder(alert('equipment.fault', 'ghost', 'major'), site)?.department).toBe('engineering');
  });

  it.each([
    { name: 'a patrol order is titled by its round', type: 'patrol.missed', details: { routeId: 'day-round', roundId: 'r', roundTitle: '日间巡查 2026-11-27 09:30 轮' }, title: '巡更漏检：日间巡查 2026-11-27 09:30 轮', joinNote: '告警 patrol.missed（cp-1）并入本工单：x' },
    { name: 'a patrol miss without a round title falls back to its message', type: 'patrol.missed', details: { routeId: 'day-round' }, title: '巡更漏检：x', joinNote: '告警 patrol.missed（cp-1）并入本工单：x' },
    { name: 'other alerts join with their type and subject only', type: 'device.offline', details: undefined, title: '设备离线：x', joinNote: '告警 device.offline（cp-1）并入本工单' },
  ] as const)('$name; joining an open order lists it on the timeline', ({ type, details, title, joinNote }) => {
    expect(planWorkOrder(alert(type, 'cp-1', 'major', details), site)).toMatchObject({ title, joinNote });
  });

  it('the title names what happened and stays within 100 characters', () => {
    const plan = planWorkOrder({ ...alert('device.offline', 'gate-1', 'major'), message: '北门入口：连接中断（遗嘱消息）'.repeat(10) }, site);
    expect(plan?.title.startsWith('设备离线：北门入口')).toBe(true);
    expect(plan?.title.length).toBe(100);
  });
});

describe(originKey.name, () => {
  it('the two checkpoints missed in one round share one key; another round has its own', () => {
    const a = originKey({ type: 'patrol.missed', subject: 'cp-1', details: { roundId: 'r1@d1' } });
    const b = originKey({ type: 'patrol.missed', subject: 'cp-2', details: { roundId: 'r1@d1' } });
    const c = originKey({ type: 'patrol.missed', subject: 'cp-1', details: { roundId: 'r1@d2' } });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});

describe(priorityForSeverity.name, () => {
  it.each([
    ['info', 'normal'],
    ['minor', 'normal'],
    ['major', 'high'],
    ['critical', 'urgent'],
  ] as const)('%s → %s', (severity, priority) => expect(priorityForSeverity(severity)).toBe(priority));
});
