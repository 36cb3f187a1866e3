// Storage behaviour of alerts (CONTRACT §4), run on PGlite (unit suite) and PostgreSQL (service suite).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/database.testing';
import { SitesService } from '../sites/sites.service';
import { testSite } from '../sites/sites.testing';
import { AlertsRepository } from './alerts.repository';
import { AlertsService, type AlertChanged } from './alerts.service';

export function alertsSuite(backend: Backend): void {
  describe(`alerts on ${backend}`, () => {
    let t: TestDatabase;
    let clock: ManualClock;
    let sites: SitesService;
    let alerts: AlertsService;
    let changes: AlertChanged[];

    beforeAll(async () => {
      t = await openTestDatabase(backend);
    });
    afterAll(async () => t.drop());
    beforeEach(async () => {
      await t.db.query('DELETE FROM alerts');
      await t.db.query('DELETE FROM sites');
      clock = new ManualClock('2026-11-27T01:30:00Z');
      sites = new SitesService([testSite('berlin')], t.db);
      alerts = new AlertsService(new AlertsRepository(t.db, sites), clock);
      changes = [];
      alerts.changes$.subscribe((c) => changes.push(c));
    });

    const offline = { siteId: 'lakeside', type: 'device.offline' as const, subject: 'gate-1', message: 'gone' };

    it('a repeat raises count and lastSeenAt of the one open alert', async () => {
      const first = await alerts.raise(offline);
      clock.advance(60_000);
      const again = await alerts.raise({ ...offline, message: 'still gone' });
      expect(again.id).toBe(first.id);
      expect(again).toMatchObject({ count: 2, severity: 'major', status: 'active', message: 'still gone' });
      expect(again.raisedAt).toBe('2026-11-27T01:30:00.000Z');
      expect(again.lastSeenAt).toBe('2026-11-27T01:31:00.000Z');
      expect(changes.map((c) => c.change)).toEqual(['raised', 'repeated']);
    });

    // What a replay or a level rule asks for: the open alert made to agree with the condition, nothing counted twice.
    it.each([
      { name: 'holds, none open: raised', open: false, holds: true, changes: ['raised'], after: { count: 1, status: 'active' } },
      { name: 'holds, one open: no repeat', open: true, holds: true, changes: [], after: { count: 1, status: 'active' } },
      { name: 'ended, one open: cleared', open: true, holds: false, changes: ['cleared'], after: undefined },
      { name: 'ended, none open: nothing', open: false, holds: false, changes: [], after: undefined },
    ])('reassert — $name', async ({ open, holds, changes: expected, after }) => {
      if (open) await alerts.raise(offline);
      changes.length = 0;
      await alerts.reassert({ ...offline, at: clock.now() }, holds);
      expect(changes.map((c) => c.change)).toEqual(expected);
      const current = await alerts.findOpen('lakeside', 'device.offline', 'gate-1');
      if (after) expect(current).toMatchObject(after);
      else expect(current).toBeUndefined();
    });

    it('raised in a caller\'s transaction: announced only when the caller says it committed, and gone with a rollback', async () => {
      const announce = await t.db.transaction((tx) => alerts.raiseWithin(tx, offline));
      expect(changes).toEqual([]);
      expect(await alerts.findOpen('lakeside', 'device.offline', 'gate-1')).toMatchObject({ count: 1 });
      await announce();
      expect(changes.map((c) => c.change)).toEqual(['raised']);
      const rolledBack = t.db.transaction(async (tx) => {
        await alerts.clearWithin(tx, 'lakeside', 'device.offline', 'gate-1');
        await alerts.raiseWithin(tx, { ...offline, subject: 'gate-2' });
        throw new Error('the state write after it failed');
      });
      await expect(rolledBack).rejects.toThrow('the state write after it failed');
      expect(await alerts.findOpen('lakeside', 'device.offline', 'gate-1')).toMatchObject({ status: 'active' });
      expect(await alerts.findOpen('lakeside', 'device.offline', 'gate-2')).toBeUndefined();
      expect(changes.map((c) => c.change)).toEqual(['raised']);
    });

    describe('forewarned: an alarm told to the screens before its message commits (issue 9.4)', () => {
      const fault = { siteId: 'lakeside', type: 'equipment.fault' as const, subject: 'boiler-1:E1', message: 'E1' };
      const started = async () => {
        await alerts.onApplicationBootstrap();
        return alerts;
      };
      const summary = () => changes.map((c) => `${c.change}${c.forewarned ? ' (forewarned)' : ''} ${c.alert.id}`);

      it('is stored under the id the screens heard, and the stored raise confirms it', async () => {
        await started();
        const withdraw = alerts.forewarn({ ...fault, at: clock.now() }, 'lakeside/boiler-1/m1');
        expect(withdraw).toBeTypeOf('function');
        const told = changes[0]!.alert;
        expect(told).toMatchObject({ type: 'equipment.fault', subject: 'boiler-1:E1', status: 'active', count: 1, raisedAt: '2026-11-27T01:30:00.000Z', severity: 'major' });
        expect(await alerts.findOpen('lakeside', 'equipment.fault', 'boiler-1:E1')).toBeUndefined();
        const announce = await t.db.transaction((tx) => alerts.raiseWithin(tx, { ...fault, at: clock.now() }));
        const stored = await announce();
        expect(stored.id).toBe(told.id);
        alerts.settle('lakeside/boiler-1/m1');
        expect(summary()).toEqual([`raised (forewarned) ${told.id}`, `raised ${told.id}`]);
      });

      it('nothing is forewarned before the open alerts were read at start-up, nor of a type the lane does not raise', async () => {
        expect(alerts.forewarn(fault, 'o')).toBeUndefined();
        await started();
        expect(alerts.forewarn(offline, 'o')).toBeUndefined();
        expect(changes).toEqual([]);
      });

      it('an open alert of the subject is not forewarned (a repeat counts on the row): open at start-up, or raised since; after its clear it is again', async () => {
        await alerts.raise(fault);
        await started();
        expect(alerts.forewarn(fault, 'o')).toBeUndefined();
        await alerts.raise({ ...fault, subject: 'boiler-1:E2' });
        expect(alerts.forewarn({ ...fault, subject: 'boiler-1:E2' }, 'o')).toBeUndefined();
        await alerts.clear('lakeside', 'equipment.fault', 'boiler-1:E1');
        changes.length = 0;
        expect(alerts.forewarn(fault, 'o')).toBeTypeOf('function');
        expect(summary()).toEqual([`raised (forewarned) ${changes[0]!.alert.id}`]);
        // A second alarm of the subject while the first is forewarned: the stored path tells its count.
        expect(alerts.forewarn(fault, 'o2')).toBeUndefined();
      });

      it('an alert announced while the start-up read was under way counts as the announcement says', async () => {
        const reading = alerts.onApplicationBootstrap();
        await alerts.raise(fault);
        await reading;
        expect(alerts.forewarn(fault, 'o')).toBeUndefined();
      });

      it('withdrawn when its message is not stored, or was applied without raising it; the next raise draws its own id', async () => {
        await started();
        alerts.forewarn(fault, 'lakeside/boiler-1/m1')!();
        alerts.forewarn({ ...fault, subject: 'boiler-1:E2' }, 'lakeside/boiler-1/m2');
        alerts.settle('lakeside/boiler-1/m2');
        alerts.settle('lakeside/boiler-1/m2');
        const [first, , second] = changes.map((c) => c.alert.id);
        expect(summary()).toEqual([`raised (forewarned) ${first}`, `withdrawn (forewarned) ${first}`, `raised (forewarned) ${second}`, `withdrawn (forewarned) ${second}`]);
        expect(changes[1]!.alert.withdrawn).toBe(true);
        const stored = await alerts.raise(fault);
        expect([first, second]).not.toContain(stored.id);
      });

      it('an operator acting on it before it is stored waits for it: acknowledged once stored; no such alert once withdrawn', async () => {
        await started();
        alerts.forewarn(fault, 'lakeside/boiler-1/m1');
        const told = changes[0]!.alert.id;
        // Asked before the raise is stored: without the wait it would find no such alert.
        const ack = alerts.acknowledge(told, 'operator', 'on my way');
        await alerts.raise(fault);
        expect(await ack).toMatchObject({ id: told, status: 'acknowledged', acknowledgedBy: 'operator' });

        const withdraw = alerts.forewarn({ ...fault, subject: 'boiler-1:E2' }, 'lakeside/boiler-1/m2')!;
        const gone = alerts.acknowledge(changes.at(-1)!.alert.id, 'operator');
        withdraw();
        await expect(gone).rejects.toThrow(/no alert with id/);
      });

      it('a raise that finds another alert open (written behind this server\'s back) withdraws the forewarned one', async () => {
        await started();
        const [other] = await t.db.query<{ id: string }>(
          `INSERT INTO alerts (site_id, type, subject, severity, status, message, raised_at, last_seen_at) VALUES ('lakeside', 'equipment.fault', 'boiler-1:E1', 'major', 'active', 'E1', now(), now()) RETURNING id`,
        );
        alerts.forewarn(fault, 'o');
        const told = changes[0]!.alert.id;
        const stored = await alerts.raise(fault);
        expect(stored).toMatchObject({ id: other!.id, count: 2 });
        expect(summary()).toEqual([`raised (forewarned) ${told}`, `withdrawn (forewarned) ${told}`, `repeated ${other!.id}`]);
      });
    });

    it('another subject or type is another alert', async () => {
      const a = await alerts.raise(offline);
      const b = await alerts.raise({ ...offline, subject: 'gate-2' });
      const c = await alerts.raise({ ...offline, type: 'device.clock_skew' });
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
      expect(c.severity).toBe('info');
    });

    it('concurrent raises of one (type, subject) leave one open alert counting all of them', async () => {
      await Promise.all(Array.from({ length: 20 }, () => alerts.raise(offline)));
      const open = await alerts.list({ status: 'active', limit: 100 });
      expect(open).toHaveLength(1);
      expect(open[0]!.count).toBe(20);
    });

    it('acknowledge with a note, then clear by condition', async () => {
      const a = await alerts.raise(offline);
      clock.advance(5_000);
      const acked = await alerts.acknowledge(a.id, 'operator', '已通知工程部');
      expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'operator', ackNote: '已通知工程部', acknowledgedAt: '2026-11-27T01:30:05.000Z' });
      const cleared = await alerts.clear('lakeside', 'device.offline', 'gate-1');
      expect(cleared).toMatchObject({ status: 'cleared', acknowledgedBy: 'operator' });
      expect(changes.map((c) => c.change)).toEqual(['raised', 'acknowledged', 'cleared']);
    });

    it('an alert cleared before anyone acknowledged it stays in the open list until someone does', async () => {
      const a = await alerts.raise(offline);
      await alerts.clear('lakeside', 'device.offline', 'gate-1');
      const open = await alerts.list({ status: 'open', limit: 100 });
      expect(open.map((x) => x.id)).toEqual([a.id]);
      expect(open[0]).toMatchObject({ status: 'cleared', acknowledgedAt: undefined });
      const acked = await alerts.acknowledge(a.id, 'operator');
      expect(acked.status).toBe('cleared');
      expect(await alerts.list({ status: 'open', limit: 100 })).toEqual([]);
    });

    it('after clearing, the same condition raises a new alert', async () => {
      const a = await alerts.raise(offline);
      await alerts.clear('lakeside', 'device.offline', 'gate-1');
      const b = await alerts.raise(offline);
      expect(b.id).not.toBe(a.id);
      expect(b.count).toBe(1);
    });

    it('acknowledging twice is refused with who did it first; unknown ids are 404', async () => {
      const a = await alerts.raise(offline);
      await alerts.acknowledge(a.id, 'operator');
      await expect(alerts.acknowledge(a.id, 'supervisor')).rejects.toThrow(/already acknowledged by operator/);
      await expect(alerts.acknowledge('00000000-0000-4000-8000-000000000000', 'operator')).rejects.toThrow(/no alert/);
    });

    it('a user clears by hand; clearing twice is refused', async () => {
      const a = await alerts.raise(offline);
      const cleared = await alerts.clearByUser(a.id, 'supervisor', 'false alarm');
      expect(cleared).toMatchObject({ status: 'cleared', clearedBy: 'supervisor' });
      await expect(alerts.clearByUser(a.id, 'supervisor')).rejects.toThrow(/already cleared/);
    });

    it('the live view hears a raise before the followers run, and again when one linked a work order (issue 9.4)', async () => {
      const heardBeforeFollower: number[] = [];
      alerts.follow({
        name: 'test',
        alertChanged: async (c) => {
          heardBeforeFollower.push(changes.length);
          if (c.change === 'raised') await alerts.linkWorkOrder(c.alert.id, 'wo-1');
        },
      });
      const raised = await alerts.raise(offline);
      expect(raised.workOrderId).toBe('wo-1');
      expect(heardBeforeFollower).toEqual([1]);
      expect(changes.map((c) => [c.change, c.alert.workOrderId])).toEqual([
        ['raised', undefined],
        ['raised', 'wo-1'],
      ]);
      // A follower that changes nothing: one event.
      await alerts.raise(offline);
      expect(changes.map((c) => c.change)).toEqual(['raised', 'raised', 'repeated']);
    });

    // Issue 10 point 2: screens show an alert's times on its site's clock, from the alert alone.
    it('every alert carries its site file\'s zone, on every path out: raise, live event, list, acknowledge, clear', async () => {
      const berlin = { ...offline, siteId: 'testsite' };
      const raised = await alerts.raise(berlin);
      expect(raised.timezone).toBe('Europe/Berlin');
      expect(changes.at(-1)!.alert.timezone).toBe('Europe/Berlin');
      expect((await alerts.acknowledge(raised.id, 'operator')).timezone).toBe('Europe/Berlin');
      expect((await alerts.page({ limit: 10 })).items.map((a) => a.timezone)).toEqual(['Europe/Berlin']);
      expect((await alerts.clear('testsite', 'device.offline', 'gate-1'))!.timezone).toBe('Europe/Berlin');
    });

    it('a site dropped from the files keeps its zone: by a reload, or before start-up (the sites table); one never configured reads UTC', async () => {
      await sites.syncToDatabase();
      const before = await alerts.raise({ ...offline, siteId: 'testsite' });
      sites.replace([]);
      expect((await alerts.findOpen('testsite', 'device.offline', 'gate-1'))!.timezone).toBe('Europe/Berlin');
      const restarted = new SitesService([], t.db);
      await restarted.syncToDatabase();
      const again = new AlertsService(new AlertsRepository(t.db, restarted), clock);
      expect((await again.list({ limit: 10 })).find((a) => a.id === before.id)!.timezone).toBe('Europe/Berlin');
      expect((await alerts.raise(offline)).timezone).toBe('UTC'); // 'lakeside' was never a site here
    });

    it('clearing with nothing open does nothing', async () => {
      expect(await alerts.clear('lakeside', 'device.offline', 'nobody')).toBeUndefined();
      expect(changes).toEqual([]);
    });

    it('acknowledges several at once; one already acknowledged or unknown is skipped with the reason', async () => {
      const a = await alerts.raise(offline);
      const b = await alerts.raise({ ...offline, subject: 'gate-2' });
      const c = await alerts.raise({ ...offline, subject: 'gate-3' });
      await alerts.acknowledge(c.id, 'supervisor');
      const unknown = '00000000-0000-4000-8000-000000000000';
      const result = await alerts.acknowledgeMany([a.id, b.id, b.id, c.id, unknown], 'operator', '交班前统一确认');
      expect(result.acknowledged.map((x) => x.id)).toEqual([a.id, b.id]);
      expect(result.acknowledged[0]).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'operator', ackNote: '交班前统一确认' });
      expect(result.skipped).toEqual([
        { id: c.id, reason: expect.stringMatching(/already acknowledged by supervisor/) },
        { id: unknown, reason: expect.stringMatching(/no alert/) },
      ]);
      expect(changes.filter((x) => x.change === 'acknowledged').map((x) => x.alert.id)).toEqual([c.id, a.id, b.id]);
    });

    it('a snooze sets until when the reminder waits and joins the alert\'s timeline; an acknowledged alert cannot be snoozed', async () => {
      const a = await alerts.raise(offline);
      clock.advance(60_000);
      const snoozed = await alerts.snooze(a.id, 'operator', 15, '维修人员已在现场');
      expect(snoozed.snoozedUntil).toBe('2026-11-27T01:46:00.000Z');
      expect(snoozed.events).toEqual([{ at: '2026-11-27T01:31:00.000Z', by: 'operator', action: 'snooze', until: '2026-11-27T01:46:00.000Z', note: '维修人员已在现场' }]);
      clock.advance(60_000);
      const again = await alerts.snooze(a.id, 'supervisor', 30, '等配件');
      expect(again.events).toHaveLength(2);
      expect(again.snoozedUntil).toBe('2026-11-27T02:02:00.000Z');
      expect(changes.at(-1)).toMatchObject({ change: 'snoozed' });
      await alerts.acknowledge(a.id, 'operator');
      await expect(alerts.snooze(a.id, 'operator', 5, 'x')).rejects.toThrow(/already acknowledged/);
    });

    it('lists newest first with status and type filters', async () => {
      await alerts.raise(offline);
      clock.advance(1000);
      await alerts.raise({ ...offline, type: 'device.clock_skew', subject: 'cp-1' });
      clock.advance(1000);
      const third = await alerts.raise({ ...offline, subject: 'gate-3' });
      await alerts.acknowledge(third.id, 'operator');
      expect((await alerts.list({ limit: 10 })).map((a) => a.subject)).toEqual(['gate-3', 'cp-1', 'gate-1']);
      expect((await alerts.list({ status: 'active', limit: 10 })).map((a) => a.subject)).toEqual(['cp-1', 'gate-1']);
      expect((await alerts.list({ type: 'device.clock_skew', limit: 10 })).map((a) => a.subject)).toEqual(['cp-1']);
      expect(await alerts.list({ type: "x' OR '1'='1", limit: 10 })).toEqual([]);
    });
  });
}
