// Work orders raised by alerts (CONTRACT §4, last column) and verified by the device (§5),
// run on PGlite (unit suite) and PostgreSQL (service suite).
import { describe, expect, it } from 'vitest';
import type { Backend } from '../db/database.testing';
import { testSite } from '../sites/sites.testing';
import { SYSTEM, type WorkOrdersService } from './work-orders.service';
import { complaint, DAY, MIN, steps, workOrdersHarness } from './work-orders.testing';

export function alertWorkOrdersSuite(backend: Backend): void {
  describe(`work orders raised by alerts on ${backend}`, () => {
    const h = workOrdersHarness(backend, 'work orders raised by alerts');
    const site = testSite('work-orders');

    describe('orders raised by alerts (CONTRACT §4, last column)', () => {
      it.each([
        { type: 'device.offline', subject: 'gate-1', department: 'engineering', priority: 'high', source: 'alert' },
        { type: 'gate.stuck_open', subject: 'gate-1', department: 'parking', priority: 'high', source: 'alert' },
        { type: 'gate.fault', subject: 'gate-1', department: 'engineering', priority: 'high', source: 'alert' },
        { type: 'patrol.unknown_card', subject: 'cp-1', department: 'security', priority: 'high', source: 'patrol' },
        { type: 'patrol.missed', subject: 'cp-1', details: { routeId: 'r1', roundId: 'r1@2026-11-27T09:30' }, department: 'parking', priority: 'high', source: 'patrol' },
        { type: 'dispenser.low', subject: 'soap-1', department: 'cleaning', priority: 'normal', source: 'alert' },
        { type: 'sensor.threshold', subject: 'boiler-1', severity: 'critical', department: 'engineering', priority: 'urgent', source: 'alert' },
        { type: 'sensor.threshold', subject: 'pool-pump', severity: 'minor', department: 'cleaning', priority: 'normal', source: 'alert' },
        { type: 'equipment.fault', subject: 'pool-pump', department: 'cleaning', priority: 'high', source: 'alert' },
      ] as const)('$type on $subject → $source order dispatched to $department, $priority', async ({ type, subject, department, priority, source, ...extra }) => {
        const alert = await h.raise(type, subject, extra);
        const [o] = await h.all();
        expect(o).toMatchObject({ source, department, priority, status: 'dispatched', createdBy: SYSTEM, alertIds: [alert.id] });
        expect(steps(o!)).toEqual(['system:create:>new', 'system:dispatch:new>dispatched']);
        expect(o!.timeline[0]!.note).toContain(type);
        expect(o!.timeline.map((e) => [e.noteKey, e.noteParams])).toEqual([
          ['fromAlert', { alertType: type, subject: alert.subject, ...(alert.details && { details: alert.details }) }],
          ['routedByRule', { department }],
        ]);
        expect(alert.workOrderId).toBe(o!.id); // linked before the alert was announced
        const sla = site.departments.find((d) => d.id === department)!.sla;
        expect(o!.acceptBy).toBe(new Date(h.clock.now().getTime() + sla.acceptMin * MIN).toISOString());
      });

      it.each(['patrol.late', 'patrol.early', 'patrol.out_of_order', 'parking.full', 'device.clock_skew'] as const)('%s raises no work order', async (type) => {
        const alert = await h.raise(type, 'x');
        expect(await h.all()).toEqual([]);
        expect(alert.workOrderId).toBeUndefined();
      });

      it('a repeat of an attached alert h.changes nothing', async () => {
        await h.raise('gate.fault', 'gate-1');
        const [before] = await h.all();
        h.changes = [];
        h.clock.advance(MIN);
        const repeat = await h.raise('gate.fault', 'gate-1');
        expect(repeat.count).toBe(2);
        expect(await h.all()).toEqual([before]);
        expect(h.changes).toEqual([]);
      });

      it('one open order per origin: a new alert of the same key joins it; once verified, the next one opens another', async () => {
        const first = await h.raise('gate.fault', 'gate-1');
        await h.alerts.clearByUser(first.id, 'supervisor', '误报'); // a person, not the device: the order stays
        h.clock.advance(MIN);
        const second = await h.raise('gate.fault', 'gate-1');
        const orders = await h.all();
        expect(orders).toHaveLength(1);
        expect(orders[0]).toMatchObject({ status: 'dispatched', alertIds: [first.id, second.id] });
        expect(steps(orders[0]!)).toEqual(['system:create:>new', 'system:dispatch:new>dispatched', 'system:attach_alert:>']);
        expect(second.workOrderId).toBe(orders[0]!.id);
        await h.alerts.clear('testsite', 'gate.fault', 'gate-1');
        expect((await h.all())[0]!.status).toBe('verified');
        await h.raise('gate.fault', 'gate-1');
        expect((await h.all()).map((o) => o.status)).toEqual(['dispatched', 'verified']);
      });

      it('concurrent alerts of one origin leave one order holding all of them', async () => {
        await Promise.all(['cp-1', 'cp-2'].map((cp) => h.raise('patrol.missed', cp, { details: { routeId: 'r1', roundId: 'r1@d1' } })));
        const orders = await h.all();
        expect(orders).toHaveLength(1);
        expect(orders[0]!.alertIds).toHaveLength(2);
      });

      it('patrol.missed: one order per round, not per checkpoint', async () => {
        // The subject of a miss is the checkpoint in its round (§6: "the device, checkpoint or round").
        const missed = (round: string, cp: string) => h.raise('patrol.missed', `${round}/${cp}`, { details: { routeId: 'r1', roundId: round, checkpointId: cp } });
        await missed('r1@2026-11-27T09:30', 'cp-1');
        await missed('r1@2026-11-27T09:30', 'cp-2');
        h.clock.advance(DAY);
        await missed('r1@2026-11-28T09:30', 'cp-1');
        const orders = await h.all();
        expect(orders.map((o) => [o.originKey, o.alertIds.length])).toEqual([
          ['patrol:r1@2026-11-28T09:30', 1],
          ['patrol:r1@2026-11-27T09:30', 2],
        ]);
        // The round's order lists each of its missed checkpoints (issue 4).
        expect(orders[1]!.description.split('\n')).toEqual(['r1@2026-11-27T09:30/cp-1：patrol.missed', 'r1@2026-11-27T09:30/cp-2：patrol.missed']);
        expect(orders[0]!.description).toBe('r1@2026-11-28T09:30/cp-1：patrol.missed');
      });

      it('dispenser.empty raises the replenish order to high; the device refilled verifies it once both alerts cleared', async () => {
        const low = await h.raise('dispenser.low', 'soap-1');
        h.clock.advance(10 * MIN);
        const empty = await h.raise('dispenser.empty', 'soap-1');
        let [o] = await h.all();
        expect(o).toMatchObject({ originKey: 'replenish:soap-1', priority: 'high', alertIds: [low.id, empty.id] });
        expect(steps(o!).slice(2)).toEqual(['system:attach_alert:>', 'system:priority:>']);
        expect(o!.timeline[3]!.note).toContain('normal → high');
        // Issue 12.2: the same notes in a language-neutral form, for screens to compose.
        expect(o!.timeline.slice(2).map((e) => [e.noteKey, e.noteParams])).toEqual([
          ['alertJoined', { alertType: 'dispenser.empty', subject: 'soap-1', ...(empty.details && { details: empty.details }) }],
          ['priorityRaised', { from: 'normal', to: 'high' }],
        ]);
        h.clock.advance(5 * MIN);
        await h.alerts.clear('testsite', 'dispenser.empty', 'soap-1'); // level above emptyPct, still low
        expect((await h.all())[0]!.status).toBe('dispatched');
        await h.alerts.clear('testsite', 'dispenser.low', 'soap-1'); // above lowPct
        [o] = await h.all();
        expect(o).toMatchObject({ status: 'verified', verifiedAt: '2026-11-27T01:45:00.000Z' });
        expect(o!.timeline.at(-1)).toMatchObject({
          by: SYSTEM, action: 'verify', from: 'dispatched', to: 'verified', note: '设备确认恢复：dispenser.low 已于 2026-11-27T01:45:00Z 清除',
          noteKey: 'verifiedByDevice', noteParams: { alertType: 'dispenser.low', clearedAt: '2026-11-27T01:45:00.000Z' },
        });
      });

      it('a device.offline order is verified when the device is back online, with the evidence', async () => {
        await h.devices.handle(h.status('gate-1', true));
        h.clock.advance(10 * MIN);
        await h.devices.handle(h.lastWill('gate-1'));
        let [o] = await h.all();
        expect(o).toMatchObject({ originKey: 'device.offline:gate-1', department: 'engineering', status: 'dispatched' });
        o = await h.act(o!, { action: 'accept' }, 'operator');
        h.clock.set('2026-11-27T01:41:05Z');
        await h.devices.handle(h.status('gate-1', true));
        [o] = await h.all();
        expect(o).toMatchObject({ status: 'verified', verifiedAt: '2026-11-27T01:41:05.000Z' });
        expect(o!.timeline.at(-1)).toEqual({
          at: '2026-11-27T01:41:05.000Z',
          by: SYSTEM,
          action: 'verify',
          from: 'accepted',
          to: 'verified',
          note: '设备确认恢复：device.offline 已于 2026-11-27T01:41:05Z 清除',
          noteKey: 'verifiedByDevice',
          noteParams: { alertType: 'device.offline', clearedAt: '2026-11-27T01:41:05.000Z' },
        });
        expect(h.changes.at(-1)).toMatchObject({ id: o!.id, status: 'verified' });
        // Written with the entry: the work-order report counts verified-by-device from it (migration 020).
        expect(await h.db.query('SELECT verified_by_device FROM work_orders WHERE id = $1', [o!.id])).toEqual([{ verified_by_device: true }]);
      });

      const toStatus: Record<string, Parameters<WorkOrdersService['act']>[1][]> = {
        dispatched: [{ action: 'comment', note: '已电话通知' }],
        accepted: [{ action: 'accept' }],
        in_progress: [{ action: 'accept' }, { action: 'start' }],
        resolved: [{ action: 'accept' }, { action: 'resolve' }],
        reopened: [{ action: 'accept' }, { action: 'resolve' }, { action: 'reopen', note: '复查仍有故障' }],
      };
      it.each(Object.keys(toStatus))('the device clearing its condition verifies a %s order from any open status', async (target) => {
        await h.raise('gate.fault', 'gate-1');
        let [o] = await h.all();
        for (const step of toStatus[target]!) o = await h.act(o!, step);
        expect(o!.status).toBe(target);
        h.clock.advance(MIN);
        await h.alerts.clear('testsite', 'gate.fault', 'gate-1');
        expect((await h.all())[0]!.timeline.at(-1)).toMatchObject({ by: SYSTEM, action: 'verify', from: target, to: 'verified' });
      });

      it('a verified or closed order is left alone when a later alert of it clears; a cleared alert by hand verifies nothing', async () => {
        const a = await h.raise('gate.fault', 'gate-1');
        let [o] = await h.all();
        o = await h.act(o!, { action: 'accept' });
        o = await h.act(o, { action: 'resolve' });
        o = await h.act(o, { action: 'close' });
        await h.alerts.clear('testsite', 'gate.fault', 'gate-1');
        expect((await h.workOrders.get(o.id)).status).toBe('closed');
        const b = await h.raise('gate.fault', 'gate-1');
        expect(b.workOrderId).not.toBe(a.workOrderId);
        await h.alerts.clearByUser(b.id, 'supervisor');
        expect((await h.workOrders.get(b.workOrderId!)).status).toBe('dispatched');
      });

      it('silence (no status for 3 heartbeats) raises the order too; a patrol order is not verified by its alert clearing', async () => {
        await h.devices.handle(h.status('gate-1', true));
        h.devices.startWatching(h.clock.now());
        h.clock.advance(91_000);
        await h.devices.sweepSilent(h.clock.now());
        expect((await h.all()).map((o) => o.originKey)).toEqual(['device.offline:gate-1']);
        await h.raise('patrol.missed', 'cp-1', { details: { routeId: 'r1', roundId: 'r1@d1' } });
        await h.alerts.clear('testsite', 'patrol.missed', 'cp-1'); // a late tap turned the miss into late
        expect((await h.all()).find((o) => o.source === 'patrol')!.status).toBe('dispatched');
      });
    });

    describe('how an order was verified (issue 12.5: device-verified and called back are two states)', () => {
      /** The order as every path shows it: the list, GET by id and the live event agree. */
      const seen = async (id: string) => {
        const listed = (await h.all()).find((o) => o.id === id)!;
        expect(await h.workOrders.get(id)).toEqual(listed);
        expect(h.changes.filter((o) => o.id === id).at(-1)).toEqual(listed);
        return listed.verifiedBy;
      };

      it('verified by its device: device, and still device once closed', async () => {
        await h.raise('gate.fault', 'gate-1');
        const [o] = await h.all();
        expect(await seen(o!.id)).toBeUndefined();
        h.clock.advance(MIN);
        await h.alerts.clear('testsite', 'gate.fault', 'gate-1');
        expect(await seen(o!.id)).toBe('device');
        await h.act(await h.workOrders.get(o!.id), { action: 'close' });
        expect(await seen(o!.id)).toBe('device');
      });

      it('verified by a callback: callback; an open and a device-verified order beside it keep their own', async () => {
        await h.raise('gate.fault', 'gate-1');
        await h.alerts.clear('testsite', 'gate.fault', 'gate-1');
        await h.raise('dispenser.low', 'soap-1');
        let c = await h.workOrders.create(complaint, 'operator');
        for (const step of [{ action: 'dispatch', department: 'service' }, { action: 'accept' }, { action: 'resolve' }] as const) c = await h.act(c, step);
        expect(await seen(c.id)).toBeUndefined();
        h.clock.advance(MIN);
        c = await h.act(c, { action: 'verify', satisfied: true, note: '住户确认已不漏水' });
        expect(await seen(c.id)).toBe('callback');
        expect((await h.all()).map((o) => [o.source, o.status, o.verifiedBy])).toEqual([
          ['complaint', 'verified', 'callback'],
          ['alert', 'dispatched', undefined],
          ['alert', 'verified', 'device'],
        ]);
      });

      it('verified by its device, reopened by a person, then verified by them: the verification that stands counts', async () => {
        await h.raise('gate.fault', 'gate-1');
        await h.alerts.clear('testsite', 'gate.fault', 'gate-1');
        let [o] = await h.all();
        h.clock.advance(MIN);
        o = await h.act(o!, { action: 'reopen', note: '道闸仍抬不起' });
        expect(await seen(o.id)).toBeUndefined();
        for (const step of [{ action: 'accept' }, { action: 'resolve' }, { action: 'verify' }] as const) o = await h.act(o, step);
        expect(o.timeline.filter((e) => e.action === 'verify').map((e) => e.by)).toEqual([SYSTEM, 'operator']);
        expect(await seen(o.id)).toBe('callback');
      });
    });
  });
}
