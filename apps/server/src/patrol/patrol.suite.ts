// Patrol rounds in storage (CONTRACT §3, §4), run on PGlite (unit suite) and PostgreSQL (service suite):
// planning and monitoring start, taps from ingest, the sweep, restarts, site-file changes, the day boundary.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSiteConfig, type AlertDto, type RoundDto, type SiteConfig } from '@estate-watch/contracts';
import { AlertsRepository } from '../alerts/alerts.repository';
import { AlertsService } from '../alerts/alerts.service';
import { ManualClock } from '../common/clock';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/testing';
import type { AcceptedMessage } from '../ingest/accepted-message';
import { SitesService } from '../sites/sites.service';
import { TEST_SITE_YAML } from '../sites/testing';
import { AlertWorkOrders } from '../work-orders/alert-work-orders';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository';
import { WorkOrdersService } from '../work-orders/work-orders.service';
import { PatrolRepository } from './patrol.repository';
import { PatrolService } from './patrol.service';

const CARD = '04A1B2C3D4E5F6'; // G01 张伟
const ROUND = 'testsite:r1:2026-11-27:0930'; // cp-1 window [09:15, 09:45], cp-2 window [09:35, 10:05]
/** Site-local wall time (+08:00) on 2026-11-27 unless another date is given. */
const local = (hms: string, date = '2026-11-27') => new Date(`${date}T${hms.length === 5 ? `${hms}:00` : hms}+08:00`);
const site = (yaml = TEST_SITE_YAML) => parseSiteConfig(yaml, 'test-site.yaml');

export function patrolSuite(backend: Backend): void {
  describe(`patrol on ${backend}`, () => {
    let t: TestDatabase;
    let clock: ManualClock;
    let alerts: AlertsService;
    let workOrders: WorkOrdersService;
    let patrol: PatrolService;
    let live: RoundDto[];
    let seq = 0;

    beforeAll(async () => {
      t = await openTestDatabase(backend);
    });
    afterAll(async () => t.drop());
    beforeEach(async () => {
      for (const table of ['work_order_events', 'work_order_alerts', 'alerts', 'work_orders', 'patrol_taps', 'patrol_rounds', 'patrol_monitoring']) {
        await t.db.query(`DELETE FROM ${table}`);
      }
      clock = new ManualClock(local('06:00'));
      patrol = start(site());
    });

    /** A (re)started server: fresh services over the same database, the sites as the file says now. */
    function start(cfg: SiteConfig): PatrolService {
      const sites = new SitesService([cfg], t.db);
      alerts = new AlertsService(new AlertsRepository(t.db), clock);
      workOrders = new WorkOrdersService(new WorkOrdersRepository(t.db), sites, clock);
      alerts.follow(new AlertWorkOrders(workOrders, alerts, sites));
      const service = new PatrolService(new PatrolRepository(t.db), alerts, sites, clock);
      live = [];
      service.changes$.subscribe((r) => live.push(r));
      return service;
    }

    /** A checkpoint tap as ingest hands it over: device time `at`, received now. */
    function tap(checkpoint: string, at: Date, card = CARD, msgId = `m${++seq}`): AcceptedMessage {
      return {
        seq: ++seq,
        siteId: 'testsite',
        kind: 'checkpoint',
        deviceId: checkpoint,
        stream: 'event',
        msgId,
        payload: { id: msgId, ts: at.toISOString(), type: 'tap', card },
        observedAt: at,
        receivedAt: clock.now(),
        lastWill: false,
      };
    }

    const sweepAt = (hms: string, date?: string) => {
      clock.set(local(hms, date));
      return patrol.sweep(clock.now());
    };
    const round = async (id = ROUND, date = '2026-11-27') => (await patrol.list({ date })).find((r) => r.id === id);
    const outcomes = (r: RoundDto | undefined) => r?.checkpoints.map((c) => `${c.checkpointId}:${c.outcome}${c.flags.length ? `+${c.flags.join('+')}` : ''}`);
    const openAlerts = async (): Promise<AlertDto[]> =>
      (await alerts.list({ status: 'active', limit: 100 })).sort((a, b) => a.subject.localeCompare(b.subject) || a.type.localeCompare(b.type));

    describe('planning', () => {
      it('the first start plans the rounds that start after it: today and tomorrow, not yesterday', async () => {
        await sweepAt('06:00');
        expect((await patrol.list({})).map((r) => r.id)).toEqual([ROUND]);
        expect((await patrol.list({ date: '2026-11-28' })).map((r) => [r.id, r.status])).toEqual([['testsite:r1:2026-11-28:0930', 'scheduled']]);
        expect(await patrol.list({ date: '2026-11-26' })).toEqual([]);
        const [r] = await patrol.list({ date: '2026-11-27' });
        expect(r).toMatchObject({ routeName: '日间巡查', start: '2026-11-27T01:30:00.000Z', windowStart: '2026-11-27T01:15:00.000Z', windowEnd: '2026-11-27T02:05:00.000Z' });
        expect(r!.checkpoints[1]).toMatchObject({ checkpointId: 'cp-2', name: '地下车库B1', x: 300, y: 220, plannedAt: '2026-11-27T01:50:00.000Z', outcome: 'pending' });
      });

      // CONTRACT §3 — a round already under way when a site is first monitored is tracked from then on.
      it('a first start in the middle of a round tracks it: closed windows unmonitored, no alert, no order', async () => {
        await sweepAt('09:50'); // cp-1's window closed at 09:45, before anyone watched
        expect(outcomes(await round())).toEqual(['cp-1:unmonitored', 'cp-2:pending']);
        expect(await round()).toMatchObject({ status: 'in_progress', compliance: 0 });
        await patrol.handle(tap('cp-2', local('09:52')));
        expect(await round()).toMatchObject({ status: 'completed', compliance: 1 }); // cp-1 counts in neither part
        await sweepAt('10:10');
        expect(await openAlerts()).toEqual([]);
        expect(await workOrders.list({ limit: 10 })).toEqual([]);
        expect((await patrol.list({ date: '2026-11-28' })).map((r) => r.id)).toEqual(['testsite:r1:2026-11-28:0930']);
      });

      it('a buffered tap classifies an unmonitored window; a round that ended before monitoring is not created', async () => {
        const twoRounds = TEST_SITE_YAML.replace('schedule: ["09:30"]', 'schedule: ["07:00", "09:30"]');
        patrol = start(site(twoRounds));
        await sweepAt('09:50');
        expect((await patrol.list({})).map((r) => r.id)).toEqual([ROUND]); // 07:00 ended at 07:35
        clock.set(local('09:55'));
        await patrol.handle(tap('cp-1', local('09:31'))); // the reader was offline: its buffer arrives
        expect(outcomes(await round())).toEqual(['cp-1:on_time', 'cp-2:pending']);
        clock.set(local('09:56'));
        await patrol.handle(tap('cp-2', local('09:56')));
        expect(await round()).toMatchObject({ status: 'completed', compliance: 1 });
        expect(await openAlerts()).toEqual([]);
      });

      it('an unmonitored window a late buffered tap classifies is late like any other', async () => {
        await sweepAt('09:50');
        await patrol.handle(tap('cp-1', local('09:48'))); // after cp-1's window [09:15, 09:45]
        expect(outcomes(await round())).toEqual(['cp-1:late', 'cp-2:pending']);
        expect((await openAlerts()).map((a) => [a.type, a.subject])).toEqual([['patrol.late', `${ROUND}/cp-1`]]);
      });

      it('after a restart, windows that closed while the server was down are marked missed on start', async () => {
        await sweepAt('06:00');
        clock.set(local('10:10'));
        patrol = start(site());
        await patrol.sweep(clock.now());
        expect(outcomes(await round())).toEqual(['cp-1:missed', 'cp-2:missed']);
        expect(await round()).toMatchObject({ status: 'completed', compliance: 0 });
        expect((await openAlerts()).map((a) => [a.type, a.subject])).toEqual([
          ['patrol.missed', `${ROUND}/cp-1`],
          ['patrol.missed', `${ROUND}/cp-2`],
        ]);
      });

      // CONTRACT §3 — after the server was down, every round since it stopped (back to 24 h) is planned and judged.
      it('down for days across midnights: the rounds a buffered tap can still reach are planned and judged, its late taps classified', async () => {
        const nightRound = TEST_SITE_YAML.replace('schedule: ["09:30"]', 'schedule: ["09:30", "23:50"]');
        // The 25th's night round walks into the 26th: cp-1 window [23:35, 00:05], cp-2 planned 00:10, window [23:55, 00:25].
        const NIGHT = 'testsite:r1:2026-11-25:2350';
        patrol = start(site(nightRound));
        await sweepAt('06:00', '2026-11-23'); // monitoring begins, rounds planned to the 24th; the server stops that evening
        clock.set(local('00:20', '2026-11-27'));
        patrol = start(site(nightRound));
        await patrol.sweep(clock.now());
        const night = async () => (await patrol.list({ date: '2026-11-25' })).find((r) => r.id === NIGHT);
        expect(outcomes(await night())).toEqual(['cp-1:missed', 'cp-2:missed']);
        expect(outcomes((await patrol.list({ date: '2026-11-26' })).find((r) => r.startLocal === '23:50'))).toEqual(['cp-1:missed', 'cp-2:pending']);
        // The guard's reader had buffered its 00:12 tap (23 h 58 min old: still valid); it arrives now.
        await patrol.handle(tap('cp-2', local('00:12', '2026-11-26')));
        expect(outcomes(await night())).toEqual(['cp-1:missed', 'cp-2:on_time']);
        expect(await night()).toMatchObject({ status: 'completed', compliance: 0.5 });
        const open = (await openAlerts()).map((a) => [a.type, a.subject]);
        expect(open.filter(([, subject]) => subject!.startsWith(NIGHT))).toEqual([['patrol.missed', `${NIGHT}/cp-1`]]);
        // The 25th's day round ended more than 24 h before the restart: no tap can reach it, not created.
        expect(await t.db.query(`SELECT id FROM patrol_rounds WHERE id = 'testsite:r1:2026-11-25:0930'`)).toEqual([]);
      });

      it('a restart in the middle of a round keeps it: the open window stays open', async () => {
        await sweepAt('06:00');
        clock.set(local('09:50'));
        patrol = start(site());
        await patrol.sweep(clock.now());
        expect(outcomes(await round())).toEqual(['cp-1:missed', 'cp-2:pending']);
        await patrol.handle(tap('cp-2', local('09:51')));
        expect(await round()).toMatchObject({ status: 'completed', compliance: 0.5 });
      });

      it('a changed site file: a round not yet started follows it, one already started keeps its plan', async () => {
        const twoRounds = TEST_SITE_YAML.replace('schedule: ["09:30"]', 'schedule: ["09:30", "14:00"]');
        patrol = start(site(twoRounds));
        await sweepAt('06:00');
        clock.set(local('09:20')); // the 09:30 round's first window opened at 09:15
        const edited = twoRounds.replace('schedule: ["09:30", "14:00"]', 'schedule: ["09:30", "15:00"]').replace('offsetMin: 20', 'offsetMin: 25');
        patrol = start(site(edited));
        await patrol.sweep(clock.now());
        const today = await patrol.list({});
        expect(today.map((r) => r.id)).toEqual([ROUND, 'testsite:r1:2026-11-27:1500']);
        expect(today[0]!.checkpoints[1]!.offsetMin).toBe(20); // started: kept
        expect(today[1]!.checkpoints[1]!.offsetMin).toBe(25); // new plan
        const tomorrow = await patrol.list({ date: '2026-11-28' });
        expect(tomorrow.map((r) => [r.id.slice(-4), r.checkpoints[1]!.offsetMin])).toEqual([['0930', 25], ['1500', 25]]);
      });

      it('a round of a site no longer configured is left as it was; the configured site is still swept', async () => {
        await sweepAt('06:00');
        const [orphan] = await patrol.list({});
        await new PatrolRepository(t.db).insert({ ...orphan!, id: 'gone:r1:2026-11-27:0930', siteId: 'gone' }, clock.now());
        await sweepAt('09:46');
        expect(outcomes(await round())).toEqual(['cp-1:missed', 'cp-2:pending']);
        const [gone] = await t.db.query<{ status: string }>(`SELECT status FROM patrol_rounds WHERE site_id = 'gone'`);
        expect(gone).toEqual({ status: 'scheduled' });
      });

      it('crossing the site-local midnight plans the day after the new day', async () => {
        await sweepAt('23:59:59');
        expect(await patrol.list({ date: '2026-11-29' })).toHaveLength(1); // not stored yet: planned from the file
        expect(await t.db.query(`SELECT id FROM patrol_rounds WHERE local_date = '2026-11-29'`)).toEqual([]);
        await sweepAt('00:00:01', '2026-11-28');
        expect(await t.db.query(`SELECT id FROM patrol_rounds WHERE local_date = '2026-11-29'`)).toEqual([{ id: 'testsite:r1:2026-11-29:0930' }]);
      });
    });

    describe('taps and misses', () => {
      beforeEach(async () => {
        await sweepAt('06:00');
      });

      it('on-time taps complete the round with compliance 1 and no alert; each change is announced', async () => {
        await sweepAt('09:15');
        await patrol.handle(tap('cp-1', local('09:31')));
        await patrol.handle(tap('cp-2', local('09:52')));
        expect(await round()).toMatchObject({ status: 'completed', compliance: 1 });
        expect((await round())!.checkpoints[0]).toMatchObject({ outcome: 'on_time', visitedAt: local('09:31').toISOString(), guardId: 'G01', guardName: '张伟', flags: [], taps: 1 });
        expect(live.map((r) => [r.status, outcomes(r)!.join(' ')])).toEqual([
          ['in_progress', 'cp-1:pending cp-2:pending'],
          ['in_progress', 'cp-1:on_time cp-2:pending'],
          ['completed', 'cp-1:on_time cp-2:on_time'],
        ]);
        expect(await openAlerts()).toEqual([]);
      });

      it('a window closing with no tap is missed by the next sweep, not before its inclusive end', async () => {
        expect(await sweepAt('09:45:00')).toHaveLength(1); // in_progress only
        expect(outcomes(await round())).toEqual(['cp-1:pending', 'cp-2:pending']);
        await sweepAt('09:45:02');
        expect(outcomes(await round())).toEqual(['cp-1:missed', 'cp-2:pending']);
        const [missed] = await openAlerts();
        expect(missed).toMatchObject({ type: 'patrol.missed', severity: 'major', subject: `${ROUND}/cp-1` });
        expect(missed!.details).toEqual({ routeId: 'r1', roundId: ROUND, roundTitle: '日间巡查 2026-11-27 09:30 轮', checkpointId: 'cp-1', plannedAt: '2026-11-27T01:30:00.000Z' });
        expect(missed!.message).toBe('日间巡查 2026-11-27 09:30 轮：北门岗亭漏检（计划 09:30，窗口 09:15–09:45 内无刷卡）');
      });

      it('a round with two misses gets ONE work order for the route department, listing both checkpoints', async () => {
        await sweepAt('09:46');
        await sweepAt('10:06');
        const orders = await workOrders.list({ limit: 10 });
        expect(orders).toHaveLength(1);
        expect(orders[0]).toMatchObject({ source: 'patrol', department: 'security', status: 'dispatched', originKey: `patrol:${ROUND}` });
        expect(orders[0]!.alertIds).toHaveLength(2);
        expect(orders[0]!.title).toBe('巡更漏检：日间巡查 2026-11-27 09:30 轮');
        expect(orders[0]!.description).toContain('北门岗亭漏检');
        expect(orders[0]!.timeline.map((e) => e.note).join('\n')).toContain(`告警 patrol.missed（${ROUND}/cp-2）并入本工单：日间巡查 2026-11-27 09:30 轮：地下车库B1漏检`);
        expect(await round()).toMatchObject({ status: 'completed', compliance: 0 });
      });

      it.each([
        { edge: 'a buffered tap inside the window turns missed back to on_time and clears the alert', tapped: '09:44', outcome: 'on_time', open: [] },
        { edge: 'a tap after the window turns missed into late: missed clears, patrol.late is raised', tapped: '09:47', outcome: 'late', open: [['patrol.late', 'minor']] },
      ])('$edge', async ({ tapped, outcome, open }) => {
        await sweepAt('09:46');
        expect((await openAlerts()).map((a) => a.type)).toEqual(['patrol.missed']);
        clock.set(local('09:48'));
        await patrol.handle(tap('cp-1', local(tapped)));
        expect((await round())!.checkpoints[0]).toMatchObject({ outcome, missedAt: local('09:46').toISOString() });
        expect((await openAlerts()).map((a) => [a.type, a.severity])).toEqual(open);
        expect((await alerts.list({ type: 'patrol.missed', limit: 10 }))[0]).toMatchObject({ status: 'cleared' });
      });

      it('early, out of order and duplicate taps: flags on the round, alerts per §4', async () => {
        await patrol.handle(tap('cp-1', local('09:10'))); // early
        await patrol.handle(tap('cp-1', local('09:30'))); // duplicate: the early visit stands
        await patrol.handle(tap('cp-2', local('09:20'))); // early, and after cp-1's visit: in order
        expect(outcomes(await round())).toEqual(['cp-1:early+duplicate', 'cp-2:early']);
        await patrol.handle(tap('cp-2', local('09:05'))); // an earlier cp-2 visit arrives buffered: cp-1 came after it
        expect(outcomes(await round())).toEqual(['cp-1:early+duplicate+out_of_order', 'cp-2:early+duplicate']);
        expect((await openAlerts()).map((a) => [a.type, a.severity, a.subject])).toEqual([
          ['patrol.early', 'minor', `${ROUND}/cp-1`],
          ['patrol.out_of_order', 'info', `${ROUND}/cp-1`],
          ['patrol.early', 'minor', `${ROUND}/cp-2`],
        ]);
      });

      it('a tap is placed by its device time, so a checkpoint on the next day goes to that day', async () => {
        await patrol.handle(tap('cp-1', local('09:29', '2026-11-28')));
        expect((await patrol.list({ date: '2026-11-28' }))[0]!.checkpoints[0]).toMatchObject({ outcome: 'on_time' });
        expect(outcomes(await round())).toEqual(['cp-1:pending', 'cp-2:pending']);
      });

      it('a message seen again (replay after a crash, a re-send) is counted once', async () => {
        const m = tap('cp-1', local('09:31'));
        await patrol.handle(m);
        await patrol.handle(m);
        expect((await round())!.checkpoints[0]).toMatchObject({ taps: 1, flags: [] });
      });

      it('an unknown card raises patrol.unknown_card on the checkpoint, counting repeats, with the card in details', async () => {
        await patrol.handle(tap('cp-1', local('09:31'), 'DEADBEEF01'));
        const repeat = tap('cp-1', local('09:32'), 'DEADBEEF01');
        await patrol.handle(repeat);
        await patrol.handle(repeat);
        const [alert] = await alerts.list({ type: 'patrol.unknown_card', limit: 10 });
        expect(alert).toMatchObject({ severity: 'major', subject: 'cp-1', count: 2 });
        expect(alert!.details).toMatchObject({ card: 'DEADBEEF01', checkpointId: 'cp-1' });
        expect(outcomes(await round())).toEqual(['cp-1:pending', 'cp-2:pending']);
      });

      it('two servers on one database: taps and sweeps on one round at once lose nothing', async () => {
        clock.set(local('09:46'));
        const first = patrol;
        const second = start(site());
        await Promise.all([
          first.sweep(clock.now()),
          second.sweep(clock.now()),
          first.handle(tap('cp-1', local('09:40'))),
          second.handle(tap('cp-2', local('09:50'))),
        ]);
        expect(outcomes(await round())).toEqual(['cp-1:on_time', 'cp-2:on_time']);
        expect(await round()).toMatchObject({ status: 'completed', compliance: 1 });
        expect(await openAlerts()).toEqual([]);
      });

      it('taps and the sweep interleaving run one at a time', async () => {
        clock.set(local('09:46'));
        await Promise.all([patrol.sweep(clock.now()), patrol.handle(tap('cp-1', local('09:40'))), patrol.handle(tap('cp-2', local('09:50'))), patrol.sweep(clock.now())]);
        expect(outcomes(await round())).toEqual(['cp-1:on_time', 'cp-2:on_time']);
        expect(await openAlerts()).toEqual([]);
      });
    });
  });
}
