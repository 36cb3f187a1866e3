// Patrol rounds in storage (CONTRACT §3, §4), run on PGlite (unit suite) and PostgreSQL (service suite):
// planning, taps from ingest, the sweep, restarts, site-file changes, the day boundary.
import { Logger } from '@nestjs/common';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../db/database.testing';
import { testSiteYaml } from '../sites/sites.testing';
import { AlertsService } from '../alerts/alerts.service';
import { SitesService } from '../sites/sites.service';
import { PatrolRepository } from './patrol.repository';
import { PatrolService } from './patrol.service';
import { local, patrolHarness, ROUND, site } from './patrol.testing';

export function patrolSuite(backend: Backend): void {
  describe(`patrol on ${backend}`, () => {
    const h = patrolHarness(backend);
    const { start, tap, sweepAt, round, outcomes, openAlerts } = h;

    describe('planning', () => {
      it('the first start plans the rounds that start after it: today and tomorrow, not yesterday', async () => {
        await sweepAt('06:00');
        expect((await h.patrol.list({})).map((r) => r.id)).toEqual([ROUND]);
        expect((await h.patrol.list({ date: '2026-11-28' })).map((r) => [r.id, r.status])).toEqual([['testsite:r1:2026-11-28:0930', 'scheduled']]);
        expect(await h.patrol.list({ date: '2026-11-26' })).toEqual([]);
        const [r] = await h.patrol.list({ date: '2026-11-27' });
        expect(r).toMatchObject({ routeName: '日间巡查', start: '2026-11-27T01:30:00.000Z', windowStart: '2026-11-27T01:15:00.000Z', windowEnd: '2026-11-27T02:05:00.000Z' });
        expect(r!.checkpoints[1]).toMatchObject({ checkpointId: 'cp-2', name: '地下车库B1', x: 300, y: 220, plannedAt: '2026-11-27T01:50:00.000Z', outcome: 'pending' });
      });

      it('after a restart, windows that closed while the server was down are marked missed on start', async () => {
        await sweepAt('06:00');
        h.clock.set(local('10:10'));
        h.patrol = start(site());
        await h.patrol.sweep(h.clock.now());
        expect(outcomes(await round())).toEqual(['cp-1:missed', 'cp-2:missed']);
        expect(await round()).toMatchObject({ status: 'completed', compliance: 0 });
        expect((await openAlerts()).map((a) => [a.type, a.subject])).toEqual([
          ['patrol.missed', `${ROUND}/cp-1`],
          ['patrol.missed', `${ROUND}/cp-2`],
        ]);
      });

      it('a restart in the middle of a round keeps it: the open window stays open', async () => {
        await sweepAt('06:00');
        h.clock.set(local('09:50'));
        h.patrol = start(site());
        await h.patrol.sweep(h.clock.now());
        expect(outcomes(await round())).toEqual(['cp-1:missed', 'cp-2:pending']);
        await h.patrol.handle(tap('cp-2', local('09:51')));
        expect(await round()).toMatchObject({ status: 'completed', compliance: 0.5 });
      });

      it('a changed site file: a round not yet started follows it, one already started keeps its plan', async () => {
        const twoRounds = testSiteYaml().replace('schedule: ["09:30"]', 'schedule: ["09:30", "14:00"]');
        h.patrol = start(site(twoRounds));
        await sweepAt('06:00');
        h.clock.set(local('09:20')); // the 09:30 round's first window opened at 09:15
        const edited = twoRounds.replace('schedule: ["09:30", "14:00"]', 'schedule: ["09:30", "15:00"]').replace('offsetMin: 20', 'offsetMin: 25');
        h.patrol = start(site(edited));
        await h.patrol.sweep(h.clock.now());
        const today = await h.patrol.list({});
        expect(today.map((r) => r.id)).toEqual([ROUND, 'testsite:r1:2026-11-27:1500']);
        expect(today[0]!.checkpoints[1]!.offsetMin).toBe(20); // started: kept
        expect(today[1]!.checkpoints[1]!.offsetMin).toBe(25); // new plan
        const tomorrow = await h.patrol.list({ date: '2026-11-28' });
        expect(tomorrow.map((r) => [r.id.slice(-4), r.checkpoints[1]!.offsetMin])).toEqual([['0930', 25], ['1500', 25]]);
      });

      it('a round of a site no longer configured is left as it was; the configured site is still swept', async () => {
        await sweepAt('06:00');
        const [orphan] = await h.patrol.list({});
        await new PatrolRepository(h.db, new SitesService([site()], h.db)).insert({ ...orphan!, id: 'gone:r1:2026-11-27:0930', siteId: 'gone' }, h.clock.now());
        await sweepAt('09:46');
        expect(outcomes(await round())).toEqual(['cp-1:missed', 'cp-2:pending']);
        const [gone] = await h.db.query<{ status: string }>(`SELECT status FROM patrol_rounds WHERE site_id = 'gone'`);
        expect(gone).toEqual({ status: 'scheduled' });
      });

      it('crossing the site-local midnight plans the day after the new day', async () => {
        await sweepAt('23:59:59');
        expect(await h.patrol.list({ date: '2026-11-29' })).toHaveLength(1); // not stored yet: planned from the file
        expect(await h.db.query(`SELECT id FROM patrol_rounds WHERE local_date = '2026-11-29'`)).toEqual([]);
        await sweepAt('00:00:01', '2026-11-28');
        expect(await h.db.query(`SELECT id FROM patrol_rounds WHERE local_date = '2026-11-29'`)).toEqual([{ id: 'testsite:r1:2026-11-29:0930' }]);
      });
    });

    describe('taps and misses', () => {
      beforeEach(async () => {
        await sweepAt('06:00');
      });

      it('on-time taps complete the round with compliance 1 and no alert; each change is announced', async () => {
        await sweepAt('09:15');
        await h.patrol.handle(tap('cp-1', local('09:31')));
        await h.patrol.handle(tap('cp-2', local('09:52')));
        expect(await round()).toMatchObject({ status: 'completed', compliance: 1 });
        expect((await round())!.checkpoints[0]).toMatchObject({ outcome: 'on_time', visitedAt: local('09:31').toISOString(), guardId: 'G01', guardName: '张伟', flags: [], taps: 1 });
        expect(h.live.map((r) => [r.status, outcomes(r)!.join(' ')])).toEqual([
          ['in_progress', 'cp-1:pending cp-2:pending'],
          ['in_progress', 'cp-1:on_time cp-2:pending'],
          ['completed', 'cp-1:on_time cp-2:on_time'],
        ]);
        expect(await openAlerts()).toEqual([]);
      });

      it('sweepDue names each instant the sweep has work: the round start, each window close, the next local midnight', async () => {
        const due = h.patrol.sweepDue();
        const sweepAtInstant = (at: Date) => {
          h.clock.set(at);
          return h.patrol.sweep(at);
        };
        expect(due.leadMs).toBe(Infinity); // a tap only moves a round's next instant later
        const steps: [string, string][] = [
          ['06:00', '09:15:00.000'], // the round starts (in_progress)
          ['09:15', '09:45:00.001'], // cp-1's window closed with no tap
          ['09:45:00.001', '10:05:00.001'], // cp-2's
        ];
        for (const [from, next] of steps) {
          expect((await due.after(local(from)))?.toISOString()).toBe(local(next).toISOString());
          expect(await sweepAtInstant(new Date(local(next).getTime() - 1))).toEqual([]);
          expect(await sweepAtInstant(local(next))).toHaveLength(1);
        }
        expect(outcomes(await round())).toEqual(['cp-1:missed', 'cp-2:missed']);
        // Nothing left today: the rounds are planned again at midnight local.
        expect((await due.after(local('10:05:00.001')))?.toISOString()).toBe(local('00:00', '2026-11-28').toISOString());
      });

      it('a window closing with no tap is missed by the next sweep, not before its inclusive end', async () => {
        expect(await sweepAt('09:45:00')).toHaveLength(1); // in_progress only
        expect(outcomes(await round())).toEqual(['cp-1:pending', 'cp-2:pending']);
        await sweepAt('09:45:02');
        expect(outcomes(await round())).toEqual(['cp-1:missed', 'cp-2:pending']);
        const [missed] = await openAlerts();
        expect(missed).toMatchObject({ type: 'patrol.missed', severity: 'major', subject: `${ROUND}/cp-1` });
        expect(missed!.details).toEqual({
          routeId: 'r1', roundId: ROUND, roundTitle: '日间巡查 2026-11-27 09:30 轮', checkpointId: 'cp-1', plannedAt: '2026-11-27T01:30:00.000Z',
          // What each screen composes its own sentence from (issue 10.1): site-local times, no zone arithmetic in the browser.
          routeName: '日间巡查', localDate: '2026-11-27', startLocal: '09:30', plannedLocal: '09:30', windowStartLocal: '09:15', windowEndLocal: '09:45',
        });
        expect(missed!.message).toBe('北门岗亭：巡更漏检，日间巡查 2026-11-27 09:30 轮，计划 09:30，窗口 09:15–09:45 内无刷卡');
      });

      it('a round with two misses gets ONE work order for the route department, listing both checkpoints', async () => {
        await sweepAt('09:46');
        await sweepAt('10:06');
        const orders = await h.workOrders.list({ limit: 10 });
        expect(orders).toHaveLength(1);
        expect(orders[0]).toMatchObject({ source: 'patrol', department: 'security', status: 'dispatched', originKey: `patrol:${ROUND}` });
        expect(orders[0]!.alertIds).toHaveLength(2);
        expect(orders[0]!.title).toBe('巡更漏检：日间巡查 2026-11-27 09:30 轮');
        expect(orders[0]!.description).toContain('北门岗亭：巡更漏检');
        expect(orders[0]!.timeline.map((e) => e.note).join('\n')).toContain(`告警 patrol.missed（${ROUND}/cp-2）并入本工单：地下车库B1：巡更漏检`);
        expect(await round()).toMatchObject({ status: 'completed', compliance: 0 });
      });

      it.each([
        { edge: 'a buffered tap inside the window turns missed back to on_time and clears the alert', tapped: '09:44', outcome: 'on_time', open: [] },
        { edge: 'a tap after the window turns missed into late: missed clears, patrol.late is raised', tapped: '09:47', outcome: 'late', open: [['patrol.late', 'minor']] },
      ])('$edge', async ({ tapped, outcome, open }) => {
        await sweepAt('09:46');
        expect((await openAlerts()).map((a) => a.type)).toEqual(['patrol.missed']);
        h.clock.set(local('09:48'));
        await h.patrol.handle(tap('cp-1', local(tapped)));
        expect((await round())!.checkpoints[0]).toMatchObject({ outcome, missedAt: local('09:46').toISOString() });
        expect((await openAlerts()).map((a) => [a.type, a.severity])).toEqual(open);
        expect((await h.alerts.list({ type: 'patrol.missed', limit: 10 }))[0]).toMatchObject({ status: 'cleared' });
      });

      it('early, out of order and duplicate taps: flags on the round, alerts per §4', async () => {
        await h.patrol.handle(tap('cp-1', local('09:10'))); // early
        await h.patrol.handle(tap('cp-1', local('09:30'))); // duplicate: the early visit stands
        await h.patrol.handle(tap('cp-2', local('09:20'))); // early, and after cp-1's visit: in order
        expect(outcomes(await round())).toEqual(['cp-1:early+duplicate', 'cp-2:early']);
        await h.patrol.handle(tap('cp-2', local('09:05'))); // an earlier cp-2 visit arrives buffered: cp-1 came after it
        expect(outcomes(await round())).toEqual(['cp-1:early+duplicate+out_of_order', 'cp-2:early+duplicate']);
        expect((await openAlerts()).map((a) => [a.type, a.severity, a.subject])).toEqual([
          ['patrol.early', 'minor', `${ROUND}/cp-1`],
          ['patrol.out_of_order', 'info', `${ROUND}/cp-1`],
          ['patrol.early', 'minor', `${ROUND}/cp-2`],
        ]);
      });

      it('a tap is placed by its device time, so a checkpoint on the next day goes to that day', async () => {
        await h.patrol.handle(tap('cp-1', local('09:29', '2026-11-28')));
        expect((await h.patrol.list({ date: '2026-11-28' }))[0]!.checkpoints[0]).toMatchObject({ outcome: 'on_time' });
        expect(outcomes(await round())).toEqual(['cp-1:pending', 'cp-2:pending']);
      });

      it('taps that belong to no round: 20 lines a minute, then one line counting the rest', async () => {
        const lines: string[] = [];
        const spy = vi.spyOn(Logger.prototype, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
        try {
          await h.patrol.applyBatch(Array.from({ length: 50 }, () => tap('cp-1', local('03:00', '2026-12-20'))));
          expect(lines.filter((l) => l.includes('belongs to no round'))).toHaveLength(20);
          h.clock.set(new Date(h.clock.now().getTime() + 60_000));
          await h.patrol.applyBatch([tap('cp-2', local('03:01', '2026-12-20'))]);
          expect(lines.slice(20)).toEqual([
            '30 more taps that belong to no round were not logged in the last 60 s',
            expect.stringContaining('testsite/cp-2: tap by G01'),
          ]);
        } finally {
          spy.mockRestore();
        }
      });

      it('a message seen again (replay after a crash, a re-send) is counted once', async () => {
        const m = tap('cp-1', local('09:31'));
        await h.patrol.handle(m);
        await h.patrol.handle(m);
        expect((await round())!.checkpoints[0]).toMatchObject({ taps: 1, flags: [] });
      });

      it('a batch, a crash after its first commit, the batch again: the same rounds, each tap and alert once', async () => {
        const batch = [
          tap('cp-1', local('09:10')), // early: the transaction ends here
          tap('cp-1', local('09:30')), // duplicate
          tap('cp-2', local('09:20')), // early
          tap('cp-2', local('09:05')), // buffered, earlier: cp-1 now came after it (out of order)
          tap('cp-1', local('09:31'), 'DEADBEEF01'), // unknown card
        ];
        const failing = Object.create(h.alerts) as AlertsService;
        failing.raise = () => Promise.reject(new Error('crash before the alert'));
        const sites = new SitesService([site()], h.db);
        const crashed = new PatrolService(new PatrolRepository(h.db, sites), failing, sites, h.clock);
        await expect(crashed.applyBatch(batch)).rejects.toThrow('crash before the alert');
        // Committed: the first tap and its round, with its effect still to follow; nothing after it.
        expect(outcomes(await round())).toEqual(['cp-1:early', 'cp-2:pending']);
        expect(await openAlerts()).toEqual([]);

        await h.patrol.applyBatch(batch);
        await h.patrol.applyBatch(batch); // and once more, as a second crash after the last commit would
        expect(outcomes(await round())).toEqual(['cp-1:early+duplicate+out_of_order', 'cp-2:early+duplicate']);
        expect((await round())!.checkpoints.map((c) => c.taps)).toEqual([2, 2]);
        expect((await openAlerts()).map((a) => [a.type, a.subject, a.count])).toEqual([
          ['patrol.unknown_card', 'cp-1', 1],
          ['patrol.early', `${ROUND}/cp-1`, 1],
          ['patrol.out_of_order', `${ROUND}/cp-1`, 1],
          ['patrol.early', `${ROUND}/cp-2`, 1],
        ]);
      });

      it('a crash after the alerts but before they were marked followed: the replay raises nothing again', async () => {
        const m = tap('cp-1', local('09:10'));
        const sites = new SitesService([site()], h.db);
        const repo = new PatrolRepository(h.db, sites);
        repo.effectsFollowed = () => Promise.reject(new Error('crash after the alert'));
        const crashed = new PatrolService(repo, h.alerts, sites, h.clock);
        await expect(crashed.applyBatch([m])).rejects.toThrow('crash after the alert');
        await h.patrol.applyBatch([m]);
        expect((await openAlerts()).map((a) => [a.type, a.count])).toEqual([['patrol.early', 1]]);
        const [row] = await h.db.query<{ pending_effects: unknown }>('SELECT pending_effects FROM patrol_taps');
        expect(row).toEqual({ pending_effects: null });
      });

      it('an unknown card raises patrol.unknown_card on the checkpoint, counting repeats, with the card in details', async () => {
        await h.patrol.handle(tap('cp-1', local('09:31'), 'DEADBEEF01'));
        const repeat = tap('cp-1', local('09:32'), 'DEADBEEF01');
        await h.patrol.handle(repeat);
        await h.patrol.handle(repeat);
        const [alert] = await h.alerts.list({ type: 'patrol.unknown_card', limit: 10 });
        expect(alert).toMatchObject({ severity: 'major', subject: 'cp-1', count: 2 });
        expect(alert!.details).toMatchObject({ card: 'DEADBEEF01', checkpointId: 'cp-1' });
        expect(outcomes(await round())).toEqual(['cp-1:pending', 'cp-2:pending']);
      });

      it('two servers on one database: taps and sweeps on one round at once lose nothing', async () => {
        h.clock.set(local('09:46'));
        const first = h.patrol;
        const second = start(site());
        await Promise.all([
          first.sweep(h.clock.now()),
          second.sweep(h.clock.now()),
          first.handle(tap('cp-1', local('09:40'))),
          second.handle(tap('cp-2', local('09:50'))),
        ]);
        expect(outcomes(await round())).toEqual(['cp-1:on_time', 'cp-2:on_time']);
        expect(await round()).toMatchObject({ status: 'completed', compliance: 1 });
        expect(await openAlerts()).toEqual([]);
      });

      it('taps and the sweep interleaving run one at a time', async () => {
        h.clock.set(local('09:46'));
        await Promise.all([h.patrol.sweep(h.clock.now()), h.patrol.handle(tap('cp-1', local('09:40'))), h.patrol.handle(tap('cp-2', local('09:50'))), h.patrol.sweep(h.clock.now())]);
        expect(outcomes(await round())).toEqual(['cp-1:on_time', 'cp-2:on_time']);
        expect(await openAlerts()).toEqual([]);
      });
    });
  });
}
