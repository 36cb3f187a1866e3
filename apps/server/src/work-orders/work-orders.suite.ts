// Storage behaviour of work orders (CONTRACT §4 last column, §5), run on PGlite (unit suite) and
// PostgreSQL (service suite). Time is a ManualClock: a day of deadlines runs in milliseconds.
import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSiteConfig, type AlertType, type CreateWorkOrderBody, type Severity, type WorkOrderDto } from '@estate-watch/contracts';
import { AlertsRepository } from '../alerts/alerts.repository';
import { AlertsService } from '../alerts/alerts.service';
import { ManualClock } from '../common/clock';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/testing';
import { DevicesRepository } from '../devices/devices.repository';
import { DevicesService } from '../devices/devices.service';
import type { AcceptedMessage } from '../ingest/accepted-message';
import { SitesService } from '../sites/sites.service';
import { TEST_SITE_YAML } from '../sites/testing';
import { AlertWorkOrders } from './alert-work-orders';
import { WorkOrdersRepository } from './work-orders.repository';
import { SYSTEM, WorkOrdersService } from './work-orders.service';

/** The test site, with a patrol route run by the car park and a pump looked after by cleaning. */
export const WORK_ORDER_SITE_YAML = TEST_SITE_YAML.replace('{ id: r1, name: 日间巡查,', '{ id: r1, name: 日间巡查, department: parking,').concat(`
  - id: pool-pump
    name: 泳池水泵
    department: cleaning
    secret: secret-pool-pump
`);

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

const complaint: CreateWorkOrderBody = {
  source: 'complaint',
  title: '楼上漏水',
  description: '3栋1202 卫生间天花板漏水',
  reporter: { name: '王女士', room: '3-1102', phone: '138 0000 1234' },
  channel: 'phone',
};
const inspection: CreateWorkOrderBody = { source: 'inspection', title: '消防通道堆物', description: '5栋消防通道堆放纸箱' };

/** Every (from, action, to) a suite's timelines recorded, across its tests. */
export const transitionsCovered = new Set<string>();

export function workOrdersSuite(backend: Backend): void {
  describe(`work orders on ${backend}`, () => {
    let t: TestDatabase;
    let clock: ManualClock;
    let alerts: AlertsService;
    let devices: DevicesService;
    let workOrders: WorkOrdersService;
    let changes: WorkOrderDto[];
    let seq = 0;
    const site = parseSiteConfig(WORK_ORDER_SITE_YAML, 'work-order-site.yaml');

    beforeAll(async () => {
      t = await openTestDatabase(backend);
    });
    afterAll(async () => {
      await recordTransitions();
      // eslint-disable-next-line no-console
      console.info(`work orders on ${backend}: ${transitionsCovered.size} distinct transitions covered:\n  ${[...transitionsCovered].sort().join('\n  ')}`);
      await t.drop();
    });
    beforeEach(async () => {
      await recordTransitions();
      for (const table of ['work_order_events', 'work_order_alerts', 'alerts', 'work_orders', 'devices']) await t.db.query(`DELETE FROM ${table}`);
      clock = new ManualClock('2026-11-27T01:30:00Z'); // 09:30 in Asia/Shanghai
      const sites = new SitesService([site], t.db);
      await sites.syncToDatabase();
      alerts = new AlertsService(new AlertsRepository(t.db), clock);
      workOrders = new WorkOrdersService(new WorkOrdersRepository(t.db), sites, clock);
      alerts.follow(new AlertWorkOrders(workOrders, alerts, sites));
      devices = new DevicesService(new DevicesRepository(t.db), alerts, sites, clock);
      changes = [];
      workOrders.changes$.subscribe((o) => changes.push(o));
    });

    async function recordTransitions(): Promise<void> {
      if (!t) return;
      const rows = await t.db.query<{ f: string; action: string; to: string }>(
        'SELECT DISTINCT from_status AS f, action, to_status AS to FROM work_order_events WHERE from_status IS NOT NULL',
      );
      for (const r of rows) transitionsCovered.add(`${r.f} --${r.action}--> ${r.to}`);
    }

    const act = (o: WorkOrderDto, body: Parameters<WorkOrdersService['act']>[1], by = 'operator') => workOrders.act(o.id, body, by);
    const raise = (type: AlertType, subject: string, extra: { severity?: Severity; details?: Record<string, unknown> } = {}) =>
      alerts.raise({ siteId: 'testsite', type, subject, message: `${subject}：${type}`, ...extra });
    const all = () => workOrders.list({ limit: 100 });
    const steps = (o: WorkOrderDto) => o.timeline.map((e) => `${e.by}:${e.action}:${e.from ?? ''}>${e.to ?? ''}`);

    function status(deviceId: string, online: boolean): AcceptedMessage {
      const receivedAt = clock.now();
      return {
        seq: ++seq,
        siteId: 'testsite',
        kind: 'gate',
        deviceId,
        stream: 'status',
        msgId: `m${seq}`,
        payload: { id: `m${seq}`, ts: receivedAt.toISOString(), online },
        observedAt: receivedAt,
        receivedAt,
        lastWill: false,
      };
    }
    const lastWill = (deviceId: string): AcceptedMessage => ({ ...status(deviceId, false), msgId: undefined, payload: { online: false }, observedAt: undefined, lastWill: true });

    describe('orders raised by staff', () => {
      it('a complaint starts new at the service centre, numbered by the site-local date, with its SLA', async () => {
        const o = await workOrders.create(complaint, 'operator');
        expect(o).toMatchObject({
          source: 'complaint',
          status: 'new',
          department: 'service',
          priority: 'normal',
          siteId: 'testsite',
          reporter: complaint.reporter,
          channel: 'phone',
          createdBy: 'operator',
          escalated: false,
          callbackOverdue: false,
          alertIds: [],
          acceptBy: '2026-11-27T01:40:00.000Z', // service: accept 10 min
          resolveBy: '2026-11-28T01:30:00.000Z', // resolve 1440 min
          allowedActions: ['dispatch', 'comment'],
        });
        expect(o.number).toMatch(/^WO-20261127-\d{4,}$/);
        expect(steps(o)).toEqual(['operator:create:>new']);
        expect(changes.map((c) => c.id)).toEqual([o.id]);
      });

      it('numbers follow the site-local day and never repeat', async () => {
        clock.set('2026-11-27T16:00:00Z'); // midnight in Shanghai
        const a = await workOrders.create(inspection, 'operator');
        const b = await workOrders.create(inspection, 'operator');
        expect(a.number).toMatch(/^WO-20261128-/);
        expect(a.number).not.toBe(b.number);
      });

      it('an inspection goes to engineering unless a department and priority are given', async () => {
        expect(await workOrders.create(inspection, 'operator')).toMatchObject({ department: 'engineering', priority: 'normal', acceptBy: '2026-11-27T01:45:00.000Z' });
        expect(await workOrders.create({ ...inspection, department: 'security', priority: 'high' }, 'operator')).toMatchObject({ department: 'security', priority: 'high' });
      });

      it('an unknown site is refused with 400; an unknown id with 404', async () => {
        await expect(workOrders.create({ ...inspection, siteId: 'elsewhere' }, 'operator')).rejects.toThrow(BadRequestException);
        await expect(workOrders.get('00000000-0000-4000-8000-000000000000')).rejects.toThrow(NotFoundException);
      });

      it('lists newest first, filtered by status (open = not verified or closed), department, source and escalation', async () => {
        const c = await workOrders.create(complaint, 'operator');
        clock.advance(1000);
        const i = await workOrders.create(inspection, 'operator');
        clock.advance(1000);
        await raise('gate.stuck_open', 'gate-1');
        const g = (await all())[0]!;
        await act(i, { action: 'dispatch', department: 'engineering' });
        await act(i, { action: 'accept' });
        await act(i, { action: 'resolve' });
        await act(i, { action: 'close' });
        const numbers = async (q: object) => (await workOrders.list({ limit: 100, ...q })).map((o) => o.id);
        expect(await numbers({})).toEqual([g.id, i.id, c.id]);
        expect(await numbers({ status: 'open' })).toEqual([g.id, c.id]);
        expect(await numbers({ status: 'closed' })).toEqual([i.id]);
        expect(await numbers({ department: 'parking' })).toEqual([g.id]);
        expect(await numbers({ source: 'complaint' })).toEqual([c.id]);
        expect(await numbers({ source: 'alert' })).toEqual([g.id]);
        expect(await numbers({ escalated: true })).toEqual([]);
        await workOrders.sweepDeadlines(new Date(clock.now().getTime() + 20 * MIN));
        expect(await numbers({ escalated: true })).toEqual([g.id, c.id]);
        expect(await numbers({ escalated: false })).toEqual([i.id]);
      });
    });

    describe('lifecycle (CONTRACT §5)', () => {
      it('a complaint goes new → dispatched → accepted → in_progress → resolved → verified (callback) → closed, each step on the timeline', async () => {
        let o = await workOrders.create(complaint, 'operator');
        clock.advance(MIN);
        o = await act(o, { action: 'dispatch', department: 'engineering', assignee: '李师傅', note: '维修组' });
        expect(o).toMatchObject({ status: 'dispatched', department: 'engineering', assignee: '李师傅', acceptBy: '2026-11-27T01:45:00.000Z' });
        clock.advance(MIN);
        o = await act(o, { action: 'accept' });
        expect(o.acceptedAt).toBe('2026-11-27T01:32:00.000Z');
        o = await act(o, { action: 'start' });
        o = await act(o, { action: 'comment', note: '需要等物料' }, 'supervisor');
        clock.advance(60 * MIN);
        o = await act(o, { action: 'resolve', note: '已更换水管' });
        expect(o).toMatchObject({ status: 'resolved', resolvedAt: '2026-11-27T02:32:00.000Z', callbackDueAt: '2026-11-30T02:32:00.000Z', allowedActions: ['verify', 'reopen', 'comment'] });
        clock.advance(DAY);
        o = await act(o, { action: 'verify', satisfied: true, note: '住户满意' });
        expect(o).toMatchObject({ status: 'verified', callbackSatisfied: true, callbackAt: '2026-11-28T02:32:00.000Z' });
        o = await act(o, { action: 'close' });
        expect(o.status).toBe('closed');
        expect(steps(o)).toEqual([
          'operator:create:>new',
          'operator:dispatch:new>dispatched',
          'operator:accept:dispatched>accepted',
          'operator:start:accepted>in_progress',
          'supervisor:comment:in_progress>in_progress',
          'operator:resolve:in_progress>resolved',
          'operator:verify:resolved>verified',
          'operator:close:verified>closed',
        ]);
        expect(o.timeline.map((e) => e.note)).toEqual([undefined, '维修组', undefined, undefined, '需要等物料', '已更换水管', '住户满意', undefined]);
        expect(o.timeline.map((e) => e.at)).toEqual([...o.timeline.map((e) => e.at)].sort());
        expect((await workOrders.get(o.id)).timeline).toEqual(o.timeline);
      });

      it('an action the state machine refuses is a 409 with the current status and the allowed actions', async () => {
        let o = await workOrders.create(inspection, 'operator');
        o = await act(o, { action: 'dispatch', department: 'engineering' });
        const error = await act(o, { action: 'start' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConflictException);
        expect((error as ConflictException).getResponse()).toEqual({ statusCode: 409, message: 'cannot start a dispatched order', status: 'dispatched', allowed: ['dispatch', 'accept', 'comment'] });
        expect((await workOrders.get(o.id)).timeline).toHaveLength(2); // nothing written
      });

      it('an action checked against a status that changed meanwhile is a 409; of two at once, one applies', async () => {
        let o = await workOrders.create(inspection, 'operator');
        o = await act(o, { action: 'dispatch', department: 'engineering' });
        const results = await Promise.allSettled([act(o, { action: 'accept' }, 'a'), act(o, { action: 'accept' }, 'b')]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(refused.reason).toBeInstanceOf(ConflictException);
        expect((refused.reason as ConflictException).getResponse()).toMatchObject({ status: 'accepted' });
        // The same race, made deterministic: the row read before someone else accepted.
        const stale = (await new WorkOrdersRepository(t.db).findById(o.id))!;
        stale.status = 'dispatched';
        await expect(workOrders.apply(stale, { action: 'accept', by: 'c' })).rejects.toThrow(/changed meanwhile: it is accepted now/);
        expect((await workOrders.get(o.id)).timeline.filter((e) => e.action === 'accept')).toHaveLength(1);
      });

      it('a complaint needs its callback: no close from resolved, no verify without a note; unsatisfied reopens', async () => {
        let o = await workOrders.create(complaint, 'operator');
        o = await act(o, { action: 'dispatch', department: 'service' });
        o = await act(o, { action: 'accept' });
        o = await act(o, { action: 'resolve' });
        await expect(act(o, { action: 'close' })).rejects.toThrow(/callback/);
        await expect(act(o, { action: 'verify', satisfied: true })).rejects.toThrow(BadRequestException);
        o = await act(o, { action: 'verify', satisfied: false, note: '住户说仍在滴水' });
        expect(o).toMatchObject({ status: 'reopened', callbackSatisfied: false, resolvedAt: undefined, callbackDueAt: undefined });
        o = await act(o, { action: 'accept' });
        o = await act(o, { action: 'resolve' });
        o = await act(o, { action: 'verify', satisfied: true, note: '回访满意' });
        o = await act(o, { action: 'close' });
        expect(o).toMatchObject({ status: 'closed', callbackSatisfied: true });
        expect(steps(o).slice(4)).toEqual([
          'operator:verify:resolved>reopened',
          'operator:accept:reopened>accepted',
          'operator:resolve:accepted>resolved',
          'operator:verify:resolved>verified',
          'operator:close:verified>closed',
        ]);
      });

      it('an inspection closes straight from resolved; a closed order can be reopened and re-dispatched', async () => {
        let o = await workOrders.create(inspection, 'operator');
        o = await act(o, { action: 'dispatch', department: 'engineering' });
        o = await act(o, { action: 'accept' });
        o = await act(o, { action: 'dispatch', department: 'security' }); // handed over before work started
        expect(o).toMatchObject({ status: 'dispatched', department: 'security', acceptBy: '2026-11-27T01:40:00.000Z', resolveBy: '2026-11-27T02:30:00.000Z' });
        o = await act(o, { action: 'accept' });
        o = await act(o, { action: 'resolve' });
        o = await act(o, { action: 'close' });
        o = await act(o, { action: 'reopen', note: '纸箱又堆回来了' });
        o = await act(o, { action: 'dispatch', department: 'security', assignee: 'G01' });
        expect(o).toMatchObject({ status: 'dispatched', assignee: 'G01', closedAt: undefined });
        o = await act(o, { action: 'accept' });
        o = await act(o, { action: 'resolve' });
        o = await act(o, { action: 'reopen', note: '复查未通过' });
        o = await act(o, { action: 'dispatch', department: 'security' });
        o = await act(o, { action: 'dispatch', department: 'engineering' }); // re-routed before anyone accepted
        o = await act(o, { action: 'accept' });
        o = await act(o, { action: 'resolve' });
        o = await act(o, { action: 'verify' });
        o = await act(o, { action: 'reopen' });
        expect(o.status).toBe('reopened');
      });

      it('a department the site does not list cannot be dispatched to', async () => {
        const small = parseSiteConfig(TEST_SITE_YAML.replace(/ {2}- \{ id: parking, .*\n/, ''), 'small.yaml');
        const service = new WorkOrdersService(new WorkOrdersRepository(t.db), new SitesService([small], t.db), clock);
        const o = await service.create(inspection, 'operator');
        await expect(service.act(o.id, { action: 'dispatch', department: 'parking' }, 'operator')).rejects.toThrow(/not a department/);
        await expect(service.create({ ...inspection, department: 'parking' }, 'operator')).rejects.toThrow(BadRequestException);
      });
    });

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
        const alert = await raise(type, subject, extra);
        const [o] = await all();
        expect(o).toMatchObject({ source, department, priority, status: 'dispatched', createdBy: SYSTEM, alertIds: [alert.id] });
        expect(steps(o!)).toEqual(['system:create:>new', 'system:dispatch:new>dispatched']);
        expect(o!.timeline[0]!.note).toContain(type);
        expect(alert.workOrderId).toBe(o!.id); // linked before the alert was announced
        const sla = site.departments.find((d) => d.id === department)!.sla;
        expect(o!.acceptBy).toBe(new Date(clock.now().getTime() + sla.acceptMin * MIN).toISOString());
      });

      it.each(['patrol.late', 'patrol.early', 'patrol.out_of_order', 'parking.full', 'device.clock_skew'] as const)('%s raises no work order', async (type) => {
        const alert = await raise(type, 'x');
        expect(await all()).toEqual([]);
        expect(alert.workOrderId).toBeUndefined();
      });

      it('a repeat of an attached alert changes nothing', async () => {
        await raise('gate.fault', 'gate-1');
        const [before] = await all();
        changes = [];
        clock.advance(MIN);
        const repeat = await raise('gate.fault', 'gate-1');
        expect(repeat.count).toBe(2);
        expect(await all()).toEqual([before]);
        expect(changes).toEqual([]);
      });

      it('one open order per origin: a new alert of the same key joins it; once verified, the next one opens another', async () => {
        const first = await raise('gate.fault', 'gate-1');
        await alerts.clearByUser(first.id, 'supervisor', '误报'); // a person, not the device: the order stays
        clock.advance(MIN);
        const second = await raise('gate.fault', 'gate-1');
        const orders = await all();
        expect(orders).toHaveLength(1);
        expect(orders[0]).toMatchObject({ status: 'dispatched', alertIds: [first.id, second.id] });
        expect(steps(orders[0]!)).toEqual(['system:create:>new', 'system:dispatch:new>dispatched', 'system:attach_alert:>']);
        expect(second.workOrderId).toBe(orders[0]!.id);
        await alerts.clear('testsite', 'gate.fault', 'gate-1');
        expect((await all())[0]!.status).toBe('verified');
        await raise('gate.fault', 'gate-1');
        expect((await all()).map((o) => o.status)).toEqual(['dispatched', 'verified']);
      });

      it('concurrent alerts of one origin leave one order holding all of them', async () => {
        await Promise.all(['cp-1', 'cp-2'].map((cp) => raise('patrol.missed', cp, { details: { routeId: 'r1', roundId: 'r1@d1' } })));
        const orders = await all();
        expect(orders).toHaveLength(1);
        expect(orders[0]!.alertIds).toHaveLength(2);
      });

      it('patrol.missed: one order per round, not per checkpoint', async () => {
        // The subject of a miss is the checkpoint in its round (§6: "the device, checkpoint or round").
        const missed = (round: string, cp: string) => raise('patrol.missed', `${round}/${cp}`, { details: { routeId: 'r1', roundId: round, checkpointId: cp } });
        await missed('r1@2026-11-27T09:30', 'cp-1');
        await missed('r1@2026-11-27T09:30', 'cp-2');
        clock.advance(DAY);
        await missed('r1@2026-11-28T09:30', 'cp-1');
        const orders = await all();
        expect(orders.map((o) => [o.originKey, o.alertIds.length])).toEqual([
          ['patrol:r1@2026-11-28T09:30', 1],
          ['patrol:r1@2026-11-27T09:30', 2],
        ]);
      });

      it('dispenser.empty raises the replenish order to high; the device refilled verifies it once both alerts cleared', async () => {
        const low = await raise('dispenser.low', 'soap-1');
        clock.advance(10 * MIN);
        const empty = await raise('dispenser.empty', 'soap-1');
        let [o] = await all();
        expect(o).toMatchObject({ originKey: 'replenish:soap-1', priority: 'high', alertIds: [low.id, empty.id] });
        expect(steps(o!).slice(2)).toEqual(['system:attach_alert:>', 'system:priority:>']);
        expect(o!.timeline[3]!.note).toContain('normal → high');
        clock.advance(5 * MIN);
        await alerts.clear('testsite', 'dispenser.empty', 'soap-1'); // level above emptyPct, still low
        expect((await all())[0]!.status).toBe('dispatched');
        await alerts.clear('testsite', 'dispenser.low', 'soap-1'); // above lowPct
        [o] = await all();
        expect(o).toMatchObject({ status: 'verified', verifiedAt: '2026-11-27T01:45:00.000Z' });
        expect(o!.timeline.at(-1)).toMatchObject({ by: SYSTEM, action: 'verify', from: 'dispatched', to: 'verified', note: '设备确认恢复：dispenser.low 已于 2026-11-27T01:45:00Z 清除' });
      });

      it('a device.offline order is verified when the device is back online, with the evidence', async () => {
        await devices.handle(status('gate-1', true));
        clock.advance(10 * MIN);
        await devices.handle(lastWill('gate-1'));
        let [o] = await all();
        expect(o).toMatchObject({ originKey: 'device.offline:gate-1', department: 'engineering', status: 'dispatched' });
        o = await act(o!, { action: 'accept' }, 'operator');
        clock.set('2026-11-27T01:41:05Z');
        await devices.handle(status('gate-1', true));
        [o] = await all();
        expect(o).toMatchObject({ status: 'verified', verifiedAt: '2026-11-27T01:41:05.000Z' });
        expect(o!.timeline.at(-1)).toEqual({
          at: '2026-11-27T01:41:05.000Z',
          by: SYSTEM,
          action: 'verify',
          from: 'accepted',
          to: 'verified',
          note: '设备确认恢复：device.offline 已于 2026-11-27T01:41:05Z 清除',
        });
        expect(changes.at(-1)).toMatchObject({ id: o!.id, status: 'verified' });
      });

      const toStatus: Record<string, Parameters<WorkOrdersService['act']>[1][]> = {
        dispatched: [{ action: 'comment', note: '已电话通知' }],
        accepted: [{ action: 'accept' }],
        in_progress: [{ action: 'accept' }, { action: 'start' }],
        resolved: [{ action: 'accept' }, { action: 'resolve' }],
        reopened: [{ action: 'accept' }, { action: 'resolve' }, { action: 'reopen', note: '复查仍有故障' }],
      };
      it.each(Object.keys(toStatus))('the device clearing its condition verifies a %s order from any open status', async (target) => {
        await raise('gate.fault', 'gate-1');
        let [o] = await all();
        for (const step of toStatus[target]!) o = await act(o!, step);
        expect(o!.status).toBe(target);
        clock.advance(MIN);
        await alerts.clear('testsite', 'gate.fault', 'gate-1');
        expect((await all())[0]!.timeline.at(-1)).toMatchObject({ by: SYSTEM, action: 'verify', from: target, to: 'verified' });
      });

      it('a verified or closed order is left alone when a later alert of it clears; a cleared alert by hand verifies nothing', async () => {
        const a = await raise('gate.fault', 'gate-1');
        let [o] = await all();
        o = await act(o!, { action: 'accept' });
        o = await act(o, { action: 'resolve' });
        o = await act(o, { action: 'close' });
        await alerts.clear('testsite', 'gate.fault', 'gate-1');
        expect((await workOrders.get(o.id)).status).toBe('closed');
        const b = await raise('gate.fault', 'gate-1');
        expect(b.workOrderId).not.toBe(a.workOrderId);
        await alerts.clearByUser(b.id, 'supervisor');
        expect((await workOrders.get(b.workOrderId!)).status).toBe('dispatched');
      });

      it('silence (no status for 3 heartbeats) raises the order too; a patrol order is not verified by its alert clearing', async () => {
        await devices.handle(status('gate-1', true));
        devices.startWatching(clock.now());
        clock.advance(91_000);
        await devices.sweepSilent(clock.now());
        expect((await all()).map((o) => o.originKey)).toEqual(['device.offline:gate-1']);
        await raise('patrol.missed', 'cp-1', { details: { routeId: 'r1', roundId: 'r1@d1' } });
        await alerts.clear('testsite', 'patrol.missed', 'cp-1'); // a late tap turned the miss into late
        expect((await all()).find((o) => o.source === 'patrol')!.status).toBe('dispatched');
      });
    });

    describe('deadlines (sweepDeadlines on a virtual clock across a day)', () => {
      it('escalates each missed deadline once, one priority step each, never before the deadline', async () => {
        const created = clock.now().getTime();
        const late = await workOrders.create(inspection, 'operator'); // engineering: accept 15 min, resolve 240 min
        let onTime = await workOrders.create({ ...inspection, title: '路灯不亮' }, 'operator');
        onTime = await act(onTime, { action: 'dispatch', department: 'engineering' });
        await act(onTime, { action: 'accept' });
        const escalations: string[] = [];
        changes = [];
        const sweepAt = async (offsetMs: number) => {
          for (const o of await workOrders.sweepDeadlines(new Date(created + offsetMs))) escalations.push(`${offsetMs}:${o.title}:${o.priority}`);
        };
        for (let m = 0; m <= 15; m++) await sweepAt(m * MIN); // exactly at acceptBy is not late
        expect(escalations).toEqual([]);
        await sweepAt(15 * MIN + 1);
        expect(escalations).toEqual([`${15 * MIN + 1}:消防通道堆物:high`]);
        for (let m = 16; m <= 240; m++) await sweepAt(m * MIN);
        expect(escalations).toHaveLength(1);
        await sweepAt(240 * MIN + 1);
        expect(escalations.slice(1)).toEqual([`${240 * MIN + 1}:消防通道堆物:urgent`, `${240 * MIN + 1}:路灯不亮:high`]);
        for (let m = 250; m <= 24 * 60; m += 10) await sweepAt(m * MIN);
        expect(escalations).toHaveLength(3);
        expect(changes.map((c) => c.priority)).toEqual(['high', 'urgent', 'high']); // each pushed live

        const o = await workOrders.get(late.id);
        expect(o).toMatchObject({ escalated: true, priority: 'urgent', acceptEscalatedAt: new Date(created + 15 * MIN + 1).toISOString(), resolveEscalatedAt: new Date(created + 240 * MIN + 1).toISOString() });
        expect(o.escalatedAt).toBe(o.acceptEscalatedAt);
        const escalationEntries = o.timeline.filter((e) => e.action === 'escalate');
        expect(escalationEntries.map((e) => e.by)).toEqual([SYSTEM, SYSTEM]);
        expect(escalationEntries[0]!.note).toContain(`acceptBy ${o.acceptBy}`);
        expect(escalationEntries[0]!.note).toContain('normal → high');
        expect(escalationEntries[1]!.note).toContain(`resolveBy ${o.resolveBy}`);
        expect(escalationEntries[1]!.note).toContain('high → urgent');
        expect((await workOrders.get(onTime.id)).acceptEscalatedAt).toBeUndefined();
      });

      it('priority is capped at urgent; a resolved order is not escalated for resolving', async () => {
        await raise('sensor.threshold', 'boiler-1', { severity: 'critical' });
        const [o] = await all();
        const resolved = await workOrders.create(inspection, 'operator');
        let r = await act(resolved, { action: 'dispatch', department: 'engineering' });
        r = await act(r, { action: 'accept' });
        await act(r, { action: 'resolve' });
        await workOrders.sweepDeadlines(new Date(clock.now().getTime() + DAY));
        expect(await workOrders.get(o!.id)).toMatchObject({ priority: 'urgent', escalated: true });
        expect((await workOrders.get(o!.id)).timeline.filter((e) => e.action === 'escalate')).toHaveLength(2);
        expect(await workOrders.get(resolved.id)).toMatchObject({ escalated: false, priority: 'normal' });
      });

      it('a complaint not called back within 3 days of resolving is flagged once', async () => {
        let o = await workOrders.create(complaint, 'operator');
        o = await act(o, { action: 'dispatch', department: 'service' });
        o = await act(o, { action: 'accept' });
        o = await act(o, { action: 'resolve' });
        const due = new Date(o.callbackDueAt!).getTime();
        expect(due - clock.now().getTime()).toBe(3 * DAY);
        await workOrders.sweepDeadlines(new Date(due));
        expect((await workOrders.get(o.id)).callbackOverdue).toBe(false);
        changes = [];
        await workOrders.sweepDeadlines(new Date(due + 1));
        await workOrders.sweepDeadlines(new Date(due + DAY));
        o = await workOrders.get(o.id);
        expect(o.callbackOverdue).toBe(true);
        expect(o.timeline.filter((e) => e.action === 'callback_overdue')).toEqual([
          { at: new Date(due + 1).toISOString(), by: SYSTEM, action: 'callback_overdue', note: `回访逾期：应于 ${o.callbackDueAt} 前完成回访` },
        ]);
        expect(changes.map((c) => c.callbackOverdue)).toEqual([true]);
        o = await act(o, { action: 'verify', satisfied: true, note: '补做回访，满意' });
        expect(o.status).toBe('verified');
      });
    });
  });
}
