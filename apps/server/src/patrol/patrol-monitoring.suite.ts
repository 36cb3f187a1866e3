// Patrol from the first minute (CONTRACT §3, issue 8 point 2), on PGlite and PostgreSQL: a round
// already under way when a site is first monitored is tracked with its closed windows
// `unmonitored`; after the server was down, every round back to 24 h is planned and judged.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../db/database.testing';
import { testSiteYaml } from '../sites/sites.testing';
import { local, patrolHarness, ROUND, site } from './patrol.testing';

export function patrolMonitoringSuite(backend: Backend): void {
  describe(`patrol monitoring start and outages on ${backend}`, () => {
    const h = patrolHarness(backend);
    const { start, tap, sweepAt, round, outcomes, openAlerts } = h;

    // CONTRACT §3 — a round already under way when a site is first monitored is tracked from then on.
    it('a first start in the middle of a round tracks it: closed windows unmonitored, no alert, no order', async () => {
      await sweepAt('09:50'); // cp-1's window closed at 09:45, before anyone watched
      expect(outcomes(await round())).toEqual(['cp-1:unmonitored', 'cp-2:pending']);
      expect(await round()).toMatchObject({ status: 'in_progress', compliance: 0 });
      await h.patrol.handle(tap('cp-2', local('09:52')));
      expect(await round()).toMatchObject({ status: 'completed', compliance: 1 }); // cp-1 counts in neither part
      await sweepAt('10:10');
      expect(await openAlerts()).toEqual([]);
      expect(await h.workOrders.list({ limit: 10 })).toEqual([]);
      expect((await h.patrol.list({ date: '2026-11-28' })).map((r) => r.id)).toEqual(['testsite:r1:2026-11-28:0930']);
    });

    it('a buffered tap classifies an unmonitored window; a round that ended before monitoring is not created', async () => {
      const twoRounds = testSiteYaml().replace('schedule: ["09:30"]', 'schedule: ["07:00", "09:30"]');
      h.patrol = start(site(twoRounds));
      await sweepAt('09:50');
      expect((await h.patrol.list({})).map((r) => r.id)).toEqual([ROUND]); // 07:00 ended at 07:35
      h.clock.set(local('09:55'));
      await h.patrol.handle(tap('cp-1', local('09:31'))); // the reader was offline: its buffer arrives
      expect(outcomes(await round())).toEqual(['cp-1:on_time', 'cp-2:pending']);
      h.clock.set(local('09:56'));
      await h.patrol.handle(tap('cp-2', local('09:56')));
      expect(await round()).toMatchObject({ status: 'completed', compliance: 1 });
      expect(await openAlerts()).toEqual([]);
    });

    it('an unmonitored window a late buffered tap classifies is late like any other', async () => {
      await sweepAt('09:50');
      await h.patrol.handle(tap('cp-1', local('09:48'))); // after cp-1's window [09:15, 09:45]
      expect(outcomes(await round())).toEqual(['cp-1:late', 'cp-2:pending']);
      expect((await openAlerts()).map((a) => [a.type, a.subject])).toEqual([['patrol.late', `${ROUND}/cp-1`]]);
    });

    // CONTRACT §3 — after the server was down, every round since it stopped (back to 24 h) is planned and judged.
    it('down for days across midnights: the rounds a buffered tap can still reach are planned and judged, its late taps classified', async () => {
      const nightRound = testSiteYaml().replace('schedule: ["09:30"]', 'schedule: ["09:30", "23:50"]');
      // The 25th's night round walks into the 26th: cp-1 window [23:35, 00:05], cp-2 planned 00:10, window [23:55, 00:25].
      const NIGHT = 'testsite:r1:2026-11-25:2350';
      h.patrol = start(site(nightRound));
      await sweepAt('06:00', '2026-11-23'); // monitoring begins, rounds planned to the 24th; the server stops that evening
      h.clock.set(local('00:20', '2026-11-27'));
      h.patrol = start(site(nightRound));
      await h.patrol.sweep(h.clock.now());
      const night = async () => (await h.patrol.list({ date: '2026-11-25' })).find((r) => r.id === NIGHT);
      expect(outcomes(await night())).toEqual(['cp-1:missed', 'cp-2:missed']);
      expect(outcomes((await h.patrol.list({ date: '2026-11-26' })).find((r) => r.startLocal === '23:50'))).toEqual(['cp-1:missed', 'cp-2:pending']);
      // The guard's reader had buffered its 00:12 tap (23 h 58 min old: still valid); it arrives now.
      await h.patrol.handle(tap('cp-2', local('00:12', '2026-11-26')));
      expect(outcomes(await night())).toEqual(['cp-1:missed', 'cp-2:on_time']);
      expect(await night()).toMatchObject({ status: 'completed', compliance: 0.5 });
      const open = (await openAlerts()).map((a) => [a.type, a.subject]);
      expect(open.filter(([, subject]) => subject!.startsWith(NIGHT))).toEqual([['patrol.missed', `${NIGHT}/cp-1`]]);
      // The 25th's day round ended more than 24 h before the restart: no tap can reach it, not created.
      expect(await h.db.query(`SELECT id FROM patrol_rounds WHERE id = 'testsite:r1:2026-11-25:0930'`)).toEqual([]);
    });
  });
}
