import { describe, expect, it } from 'vitest';
import type { AlertDto, DeviceDto, ParkingLotDto, RoundDto, WorkOrderDto } from '@estate-watch/contracts';
import { alertIsAbout, markers, needsPerson } from './overview-logic';

const alert = (over: Partial<AlertDto>): AlertDto =>
  ({ id: 'a', type: 'gate.fault', severity: 'major', status: 'active', siteId: 'lakeside', subject: 'gate-1', message: '', count: 1, raisedAt: '2026-12-04T01:00:00Z', lastSeenAt: '2026-12-04T01:00:00Z', ...over }) as AlertDto;
/** `lastSeenAt` null: the device never sent anything. */
const device = (id: string, online: boolean, lastSeenAt: string | null = '2026-12-04T00:59:00Z') =>
  ({ siteId: 'lakeside', id, kind: 'gate', name: id, online, lastValues: {}, ...(lastSeenAt && { lastSeenAt }) }) as unknown as DeviceDto;

describe(alertIsAbout.name, () => {
  it.each([
    { subject: 'gate-1', about: true },
    { subject: 'boiler-1:temperature_c', about: true }, // sensor.threshold: device and metric
    { subject: 'lakeside:fire-lanes:2026-12-04:0900/gate-1', about: true }, // patrol: round and checkpoint
    { subject: 'gate-10', about: false }, // a prefix of another id is not it
    { subject: 'xgate-1', about: false },
  ])('$subject about gate-1 → $about', ({ subject, about }) => {
    expect(alertIsAbout({ subject, siteId: 'lakeside' }, { id: subject.startsWith('boiler') ? 'boiler-1' : 'gate-1' }, 'lakeside')).toBe(about);
  });

  it('is never about another site’s device of the same id', () => {
    expect(alertIsAbout({ subject: 'gate-1', siteId: 'other' }, { id: 'gate-1' }, 'lakeside')).toBe(false);
  });
});

describe(markers.name, () => {
  const places = [
    { kind: 'gate' as const, id: 'gate-1', name: 'G1', x: 1, y: 1 },
    { kind: 'gate' as const, id: 'gate-2', name: 'G2', x: 2, y: 2 },
    { kind: 'gate' as const, id: 'gate-3', name: 'G3', x: 3, y: 3 },
    { kind: 'gate' as const, id: 'gate-4', name: 'G4' },
  ];
  it('colours by the worst open alert, then offline, then online; an unacknowledged alert pulses', () => {
    const alerts = [alert({ id: '1', severity: 'minor' }), alert({ id: '2', severity: 'critical', acknowledgedAt: '2026-12-04T01:01:00Z', status: 'acknowledged' }), alert({ id: '3', subject: 'gate-2', status: 'cleared', clearedAt: 'x', acknowledgedAt: 'y' })];
    const out = markers(places, 'lakeside', alerts, [device('gate-1', true), device('gate-2', false), device('gate-3', true)]);
    expect(out.map((m) => [m.id, m.state, m.severity, m.unacknowledged])).toEqual([
      ['gate-1', 'alert', 'critical', true],
      ['gate-2', 'offline', undefined, false], // its alert is cleared and acknowledged: over
      ['gate-3', 'ok', undefined, false],
      ['gate-4', 'unknown', undefined, false],
    ]);
  });

  it.each([
    { why: 'never heard from: no data yet, not offline', online: false, lastSeenAt: null, state: 'unknown' },
    { why: 'heard from, now gone', online: false, lastSeenAt: '2026-12-04T00:59:00Z', state: 'offline' },
    { why: 'heard from and connected', online: true, lastSeenAt: '2026-12-04T00:59:00Z', state: 'ok' },
  ])('$why → $state', ({ online, lastSeenAt, state }) => {
    expect(markers([places[0]!], 'lakeside', [], [device('gate-1', online, lastSeenAt)])[0]!.state).toBe(state);
  });
});

describe(needsPerson.name, () => {
  it('lists unacknowledged alerts worst first, escalated open orders, rounds in progress and lots from 90 % full', () => {
    const alerts = [alert({ id: 'minor', severity: 'minor' }), alert({ id: 'crit', severity: 'critical' }), alert({ id: 'acked', acknowledgedAt: 'x', status: 'acknowledged' })];
    const orders = [
      { id: 'o1', escalated: true, status: 'dispatched', resolveBy: '2026-12-04T02:00:00Z' },
      { id: 'o2', escalated: true, status: 'closed', resolveBy: '2026-12-04T01:00:00Z' },
      { id: 'o3', escalated: false, status: 'new', resolveBy: '2026-12-04T01:00:00Z' },
    ] as WorkOrderDto[];
    const rounds = [{ id: 'r1', status: 'in_progress' }, { id: 'r2', status: 'scheduled' }] as RoundDto[];
    const lots = [
      { id: 'l1', capacity: 60, occupancy: 54 },
      { id: 'l2', capacity: 60, occupancy: 53 },
    ] as ParkingLotDto[];
    const out = needsPerson(alerts, orders, rounds, lots);
    expect(out.unacknowledged.map((a) => a.id)).toEqual(['crit', 'minor']);
    expect(out.escalated.map((o) => o.id)).toEqual(['o1']);
    expect(out.rounds.map((r) => r.id)).toEqual(['r1']);
    expect(out.lots.map((l) => l.id)).toEqual(['l1']); // 54/60 = 90 %: in; 53/60: out
  });
});
