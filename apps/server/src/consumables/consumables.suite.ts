// Storage behaviour of dispensers, run on PGlite (unit suite) and PostgreSQL (service suite): once
// per seq, late samples, the rate from stored samples, and the replenish order's life through the
// real work-order follower (low → empty raises priority → refill verifies).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DispenserDto, UpstreamStream } from '@estate-watch/contracts';
import { consumptionRate } from '@estate-watch/domain';
import { AlertsRepository } from '../alerts/alerts.repository';
import { AlertsService } from '../alerts/alerts.service';
import { ManualClock } from '../common/clock';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/database.testing';
import type { AcceptedMessage } from '../ingest/accepted-message';
import { SitesService } from '../sites/sites.service';
import { testSite } from '../sites/sites.testing';
import { AlertWorkOrders } from '../work-orders/alert-work-orders';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository';
import { WorkOrdersService } from '../work-orders/work-orders.service';
import { ConsumablesRepository } from './consumables.repository';
import { ConsumablesService } from './consumables.service';

const MIN = 60_000;

export function consumablesSuite(backend: Backend): void {
  describe(`consumables on ${backend}`, () => {
    let t: TestDatabase;
    let clock: ManualClock;
    let alerts: AlertsService;
    let workOrders: WorkOrdersService;
    let consumables: ConsumablesService;
    let seq = 0;

    beforeAll(async () => {
      t = await openTestDatabase(backend);
    });
    afterAll(async () => t.drop());
    beforeEach(async () => {
      for (const table of ['work_order_events', 'work_order_alerts', 'alerts', 'work_orders', 'dispenser_states', 'dispenser_levels']) await t.db.query(`DELETE FROM ${table}`);
      clock = new ManualClock('2026-11-27T01:30:00Z');
      const sites = new SitesService([testSite()], t.db);
      await sites.syncToDatabase();
      alerts = new AlertsService(new AlertsRepository(t.db, sites), clock);
      workOrders = new WorkOrdersService(new WorkOrdersRepository(t.db), sites, clock);
      alerts.follow(new AlertWorkOrders(workOrders, alerts, sites));
      consumables = new ConsumablesService(new ConsumablesRepository(t.db), alerts, sites);
    });

    const msg = (stream: UpstreamStream, payload: Record<string, unknown>, at = clock.now()): AcceptedMessage => {
      seq++;
      return { seq, siteId: 'testsite', kind: 'dispenser', deviceId: 'soap-1', stream, msgId: `d${seq}`, payload: { id: `d${seq}`, ts: at.toISOString(), ...payload }, observedAt: at, receivedAt: clock.now(), lastWill: false };
    };
    const level = (value: number, at?: Date) => msg('telemetry', { level: value }, at);
    const soap = async () => (await consumables.list('testsite'))[0]!;

    it('a replayed report changes nothing; a late (older) report keeps the newer level but feeds the rate', async () => {
      const first = level(50);
      await consumables.handle(first);
      await consumables.handle(first);
      clock.advance(60 * MIN);
      await consumables.handle(level(40));
      await consumables.handle(level(45, new Date(clock.now().getTime() - 30 * MIN)));
      expect(await soap()).toMatchObject({ level: 40, ratePctPerHour: 10, levelAt: clock.now().toISOString() });
      expect((await t.db.query('SELECT * FROM dispenser_levels')).length).toBe(3);
    });

    it('the rate the list shows follows a late (older) report, which moves the seq but not the level', async () => {
      await consumables.handle(level(50));
      clock.advance(60 * MIN);
      await consumables.handle(level(40));
      expect(await soap()).toMatchObject({ level: 40, ratePctPerHour: 10 });
      // 50 → 30 in the first half hour, then a refill up to 40: 20 % in 30 min.
      await consumables.handle(level(30, new Date(clock.now().getTime() - 30 * MIN)));
      expect(await soap()).toMatchObject({ level: 40, ratePctPerHour: 40 });
    });

    it('a batch, a crash after its first commit, the batch again: the same state, each sample and alert once', async () => {
      const at = (min: number) => new Date(clock.now().getTime() + min * MIN);
      const batch = [level(50, at(0)), level(19, at(1)), level(3, at(2)), msg('event', { type: 'refill' }, at(3)), level(90, at(4))];
      const failing = Object.create(alerts) as AlertsService;
      failing.raise = () => Promise.reject(new Error('crash before the alert'));
      const crashed = new ConsumablesService(new ConsumablesRepository(t.db), failing, new SitesService([testSite()], t.db));
      await expect(crashed.applyBatch(batch)).rejects.toThrow('crash before the alert');
      // Committed: up to the report that made it low (its alert must follow first), nothing after it.
      expect(await soap()).toMatchObject({ level: 19 });
      expect(await alerts.findOpen('testsite', 'dispenser.low', 'soap-1')).toBeUndefined();

      await consumables.applyBatch(batch);
      await consumables.applyBatch(batch); // and once more, as a second crash after the last commit would
      expect(await soap()).toMatchObject({ level: 90, lastRefillAt: at(3).toISOString(), openAlert: undefined });
      const history = async (type: string) => (await alerts.list({ type, limit: 10 })).map((a) => [a.status, a.count, a.details?.level]);
      expect(await history('dispenser.low')).toEqual([['cleared', 1, 19]]);
      expect(await history('dispenser.empty')).toEqual([['cleared', 1, 3]]);
      expect((await t.db.query('SELECT seq FROM dispenser_levels')).length).toBe(4);
    });

    it('the rate over the day before the level, read a little at a time, is the one all its samples give', async () => {
      const t0 = clock.now().getTime();
      const sent: { at: Date; level: number }[] = [];
      for (let h = 0; h <= 30; h++) {
        // Faster after 20 h, a refill at 12 h; a late (older) report every 7 h.
        const at = new Date(t0 + h * 60 * MIN);
        const value = h === 12 ? 95 : Math.max(0, (h < 12 ? 90 : 95) - (h % 12) * (h > 20 ? 4 : 2));
        await consumables.handle(level(value, at));
        sent.push({ at, level: value });
        if (h % 7 === 6) {
          const late = { at: new Date(at.getTime() - 30 * MIN), level: value + 1 };
          await consumables.handle(level(late.level, late.at));
          sent.push(late);
        }
        const window = sent.filter((x) => x.at.getTime() >= at.getTime() - 24 * 60 * MIN);
        const rate = consumptionRate(window);
        expect((await soap()).ratePctPerHour, `at ${h} h`).toBe(rate === undefined ? undefined : Math.round(rate * 100) / 100);
      }
    });

    it('a batch pushes each changed dispenser once, as the list answers it, its revision the last seq applied; a replay pushes nothing', async () => {
      const pushed: DispenserDto[] = [];
      consumables.changes$.subscribe((d) => pushed.push(d));
      const batch = [level(50), level(40)];
      await consumables.applyBatch(batch);
      expect(pushed).toEqual([await soap()]);
      expect(pushed[0]).toMatchObject({ level: 40, revision: batch[1]!.seq });
      await consumables.applyBatch(batch);
      expect(pushed).toHaveLength(1);
    });

    it('the battery comes from telemetry, or from the status when telemetry has none', async () => {
      await t.db.query("UPDATE devices SET battery = 66 WHERE site_id = 'testsite' AND id = 'soap-1'");
      await consumables.handle(level(80));
      expect((await soap()).battery).toBe(66);
      await consumables.handle(msg('telemetry', { level: 79, battery: 64 }));
      expect((await soap()).battery).toBe(64);
    });

    it('low makes a normal replenish order, empty raises it to high, the refill verifies it', async () => {
      await consumables.handle(level(19));
      const [order] = await workOrders.list({ limit: 10 });
      expect(order).toMatchObject({ originKey: 'replenish:soap-1', priority: 'normal', department: 'cleaning' });
      clock.advance(MIN);
      await consumables.handle(level(3));
      expect((await workOrders.list({ limit: 10 }))[0]).toMatchObject({ id: order!.id, priority: 'high' });
      expect((await soap()).openAlert?.type).toBe('dispenser.empty');
      clock.advance(MIN);
      await consumables.handle(msg('event', { type: 'refill' }));
      expect((await workOrders.list({ limit: 10 }))[0]).toMatchObject({ id: order!.id, status: 'verified' });
      expect((await soap()).openAlert).toBeUndefined();
    });

    it('above emptyPct but still low: empty clears, the order stays open until low clears too', async () => {
      await consumables.handle(level(4));
      await consumables.handle(level(12));
      expect(await alerts.findOpen('testsite', 'dispenser.empty', 'soap-1')).toBeUndefined();
      expect((await workOrders.list({ limit: 10 }))[0]!.status).toBe('dispatched');
      await consumables.handle(level(21));
      expect((await workOrders.list({ limit: 10 }))[0]!.status).toBe('verified');
    });
  });
}
