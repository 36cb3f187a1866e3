// The reports against hand-computed figures (reports.testing.ts), run on PGlite (unit suite) and
// PostgreSQL (service suite): the same SQL must give the same answers on both.
import { BadRequestException } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkOrderStatsDto } from '@estate-watch/contracts';
import { doneAt, median, percentile, roundTo, slaOutcome } from '@estate-watch/domain';
import { ManualClock } from '../common/clock';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/database.testing';
import { SitesService } from '../sites/sites.service';
import { testSite } from '../sites/sites.testing';
import { insertAlerts, insertOrders, ORDERS, REPORT_NOW, SITE } from './reports.testing';
import { ReportsRepository, type WorkOrderStatsRow } from './reports.repository';
import { PATROL_NOT_RECORDED, ReportsService } from './reports.service';
import { GENERATED_FROM, GENERATED_NOW, GENERATED_SITE, GENERATED_TO, insertGeneratedOrders, referenceWorkOrderStats, sortStats } from './work-order-stats.testing';

const zeroStatus = { new: 0, dispatched: 0, accepted: 0, in_progress: 0, resolved: 0, verified: 0, closed: 0, reopened: 0 };

export function reportsSuite(backend: Backend): void {
  describe(`reports on ${backend}`, () => {
    let t: TestDatabase;
    let clock: ManualClock;
    let reports: ReportsService;

    beforeAll(async () => {
      t = await openTestDatabase(backend);
      await insertOrders(t.db);
      await insertAlerts(t.db);
      clock = new ManualClock(REPORT_NOW);
      reports = new ReportsService(new ReportsRepository(t.db), new SitesService([testSite()], t.db), clock);
    });
    afterAll(async () => t.drop());

    describe('work-order report for 2026-11-01 ≤ created < 2026-11-08 (S1–S5, C1–C5)', () => {
      let report: Awaited<ReturnType<ReportsService['workOrderReport']>>;
      beforeAll(async () => {
        report = await reports.workOrderReport({ from: '2026-11-01', to: '2026-11-08' });
      });
      const row = (rows: WorkOrderStatsDto[], key: string) => rows.find((r) => r.key === key)!;

      it('covers site-local days: from inclusive (S1 at 00:00 counts), to exclusive (X2 at 11-08 00:00 does not)', () => {
        expect(report).toMatchObject({ siteId: SITE, siteName: '测试小区', from: '2026-10-31T16:00:00.000Z', to: '2026-11-07T16:00:00.000Z', generatedAt: '2026-11-07T15:50:00.000Z' });
        expect(report.total.total).toBe(10);
      });

      it('counts every status, 0 when none, and the escalated orders', () => {
        // S1 C1 C5 closed; S2 C3 resolved; S3 C2 verified; S4 reopened; S5 dispatched; C4 new.
        expect(report.total.byStatus).toEqual({ ...zeroStatus, new: 1, dispatched: 1, resolved: 2, verified: 2, closed: 3, reopened: 1 });
        expect(report.total.escalated).toBe(4); // S2 S3 S5 C5
        expect(row(report.byDepartment, 'security')).toMatchObject({ name: '安管部', total: 5, escalated: 3 });
        expect(row(report.byDepartment, 'cleaning')).toMatchObject({ name: '保洁部', total: 5, escalated: 1 });
      });

      it('lists every department of the site file and every source, zeros when none', () => {
        expect(report.byDepartment.map((r) => r.key)).toEqual(['security', 'cleaning', 'engineering', 'parking', 'service']);
        expect(report.bySource.map((r) => r.key)).toEqual(['alert', 'patrol', 'complaint', 'inspection']);
        expect(row(report.bySource, 'patrol')).toEqual({
          key: 'patrol',
          name: '巡更',
          total: 0,
          byStatus: zeroStatus,
          escalated: 0,
          toAccept: { count: 0, medianMin: null, p90Min: null },
          toResolve: { count: 0, medianMin: null, p90Min: null },
          sla: { judged: 0, met: 0, compliancePct: null, autoClosed: 0 },
          verification: { byDevice: 0, byCallback: 0 },
          callbacks: { complaintsResolved: 0, withCallback: 0, callbackRatePct: null, callbacks: 0, satisfied: 0, satisfactionPct: null },
        });
      });

      // Minutes to accept / to resolve (done = resolved, else verified / closed), percentile_cont:
      //   position p·(n−1) in the sorted minutes, interpolated.
      it.each([
        // total accept [4 5 6 8 10 12 20]: median 8; p90 pos 5.4 → 12 + 0.4·8 = 15.2
        // total resolve [12 30 50 60 90 100 110]: median 60; p90 pos 5.4 → 100 + 0.4·10 = 104 (S4 was reopened: not resolved)
        { group: 'total', accept: { count: 7, medianMin: 8, p90Min: 15.2 }, resolve: { count: 7, medianMin: 60, p90Min: 104 } },
        // security accept [4 6 8 12]: median 7; p90 pos 2.7 → 8 + 0.7·4 = 10.8. resolve [30 50 90]: 50; pos 1.8 → 50 + 0.8·40 = 82
        { group: 'security', accept: { count: 4, medianMin: 7, p90Min: 10.8 }, resolve: { count: 3, medianMin: 50, p90Min: 82 } },
        // cleaning accept [5 10 20]: 10; pos 1.8 → 10 + 0.8·10 = 18. resolve [12 60 100 110]: 80; 100 + 0.7·10 = 107
        { group: 'cleaning', accept: { count: 3, medianMin: 10, p90Min: 18 }, resolve: { count: 4, medianMin: 80, p90Min: 107 } },
        // alert accept [4 10 12]: 10; 10 + 0.8·2 = 11.6. resolve [12 30 50 60]: 40; 50 + 0.7·10 = 57
        { group: 'alert', accept: { count: 3, medianMin: 10, p90Min: 11.6 }, resolve: { count: 4, medianMin: 40, p90Min: 57 } },
        // complaint accept [5 6 8]: 6; 6 + 0.8·2 = 7.6. resolve [90 100]: 95; pos 0.9 → 90 + 0.9·10 = 99
        { group: 'complaint', accept: { count: 3, medianMin: 6, p90Min: 7.6 }, resolve: { count: 2, medianMin: 95, p90Min: 99 } },
        // inspection: only C5 reached either step: 20 and 110
        { group: 'inspection', accept: { count: 1, medianMin: 20, p90Min: 20 }, resolve: { count: 1, medianMin: 110, p90Min: 110 } },
      ])('$group: minutes to accept and to resolve', ({ group, accept, resolve }) => {
        const r = group === 'total' ? report.total : (report.byDepartment.find((x) => x.key === group) ?? row(report.bySource, group));
        expect(r.toAccept).toEqual(accept);
        expect(r.toResolve).toEqual(resolve);
      });

      it.each([
        // met: S1 C1 C3; missed: S2 (accepted late) S3 (resolved late) S4 (reopened, unresolved past 60 min)
        // S5 (never accepted) C5 (accepted late); C4 pending; C2 apart: its device verified it, nobody accepted it.
        { group: 'total', sla: { judged: 8, met: 3, compliancePct: 37.5, autoClosed: 1 } },
        { group: 'security', sla: { judged: 5, met: 1, compliancePct: 20, autoClosed: 0 } },
        { group: 'cleaning', sla: { judged: 3, met: 2, compliancePct: 66.7, autoClosed: 1 } }, // C4 is pending, not missed
        { group: 'alert', sla: { judged: 3, met: 2, compliancePct: 66.7, autoClosed: 1 } }, // S1 C1 met, S2 missed, C2 apart
        { group: 'complaint', sla: { judged: 3, met: 1, compliancePct: 33.3, autoClosed: 0 } }, // C3 met, S3 S4 missed, C4 pending
        { group: 'inspection', sla: { judged: 2, met: 0, compliancePct: 0, autoClosed: 0 } },
      ])('$group: SLA compliance', ({ group, sla }) => {
        const r = group === 'total' ? report.total : (report.byDepartment.find((x) => x.key === group) ?? row(report.bySource, group));
        expect(r.sla).toEqual(sla);
      });

      it.each([
        // resolved complaints S3 C3 (S4 was reopened); callbacks S3 (satisfied) and S4 (unsatisfied: why it was reopened); C3 none yet.
        { group: 'total', callbacks: { complaintsResolved: 2, withCallback: 1, callbackRatePct: 50, callbacks: 2, satisfied: 1, satisfactionPct: 50 } },
        { group: 'security', callbacks: { complaintsResolved: 1, withCallback: 1, callbackRatePct: 100, callbacks: 2, satisfied: 1, satisfactionPct: 50 } },
        { group: 'cleaning', callbacks: { complaintsResolved: 1, withCallback: 0, callbackRatePct: 0, callbacks: 0, satisfied: 0, satisfactionPct: null } },
        { group: 'alert', callbacks: { complaintsResolved: 0, withCallback: 0, callbackRatePct: null, callbacks: 0, satisfied: 0, satisfactionPct: null } },
      ])('$group: callback rate and satisfaction', ({ group, callbacks }) => {
        const r = group === 'total' ? report.total : (report.byDepartment.find((x) => x.key === group) ?? row(report.bySource, group));
        expect(r.callbacks).toEqual(callbacks);
      });

      it.each([
        // by device: C2 (the system's verify entry); by callback: S3 (satisfied) and S4 (unsatisfied, since reopened).
        { group: 'total', verification: { byDevice: 1, byCallback: 2 } },
        { group: 'security', verification: { byDevice: 0, byCallback: 2 } },
        { group: 'cleaning', verification: { byDevice: 1, byCallback: 0 } },
        { group: 'alert', verification: { byDevice: 1, byCallback: 0 } },
        { group: 'complaint', verification: { byDevice: 0, byCallback: 2 } },
      ])('$group: verified by a device and called back are counted apart', ({ group, verification }) => {
        const r = group === 'total' ? report.total : (report.byDepartment.find((x) => x.key === group) ?? row(report.bySource, group));
        expect(r.verification).toEqual(verification);
      });

      it('agrees with the domain definitions (slaOutcome, doneAt, percentile) order by order', () => {
        const now = new Date(REPORT_NOW);
        const inRange = ORDERS.filter((o) => /^[SC]\d$/.test(o.n));
        const at = (o: (typeof inRange)[number], m?: number) => (m === undefined ? null : new Date(o.created + m * 60_000));
        const sla = { security: [10, 60], cleaning: [15, 120] } as const;
        const times = inRange.map((o) => ({
          acceptBy: at(o, sla[o.department][0])!,
          resolveBy: at(o, sla[o.department][1])!,
          acceptedAt: at(o, o.accepted),
          resolvedAt: at(o, o.resolved),
          verifiedAt: at(o, o.verified),
          closedAt: at(o, o.closed),
          created: o.created,
        }));
        const outcomes = times.map((x) => slaOutcome(x, now));
        expect(outcomes.filter((x) => x === 'met').length).toBe(report.total.sla.met);
        expect(outcomes.filter((x) => x === 'met' || x === 'missed').length).toBe(report.total.sla.judged);
        expect(outcomes.filter((x) => x === 'auto_closed').length).toBe(report.total.sla.autoClosed);
        const resolveMin = times.flatMap((x) => (doneAt(x) ? [(doneAt(x)!.getTime() - x.created) / 60_000] : []));
        expect(roundTo(median(resolveMin), 1)).toBe(report.total.toResolve.medianMin);
        expect(roundTo(percentile(resolveMin, 0.9), 1)).toBe(report.total.toResolve.p90Min);
      });
    });

    // Issue 9.6: the statement is rewritten for speed; its answers must stay those of the statement
    // before (work-order-stats.testing.ts keeps it), on orders that take every path of the rules.
    describe('on 3,000 generated orders', () => {
      const from = new Date(GENERATED_FROM + 7 * 86_400_000);
      const to = new Date(GENERATED_TO);
      let rows: WorkOrderStatsRow[];
      beforeAll(async () => {
        await insertGeneratedOrders(t.db, 3_000);
        rows = sortStats(await new ReportsRepository(t.db).workOrderStats(GENERATED_SITE, from, to, GENERATED_NOW));
      });

      it('gives every figure of the reference statement, row for row', async () => {
        const reference = await referenceWorkOrderStats(t.db, GENERATED_SITE, from, to, GENERATED_NOW);
        expect(rows.length).toBe(1 + 6 + 4); // total, six departments, four sources
        expect(rows).toEqual(reference);
      });

      it('agrees with slaOutcome(), autoClosed() and percentile() order by order', async () => {
        const orders = await t.db.query<{ department: string; created_at: Date; accept_by: Date; resolve_by: Date; accepted_at: Date | null;
          resolved_at: Date | null; verified_at: Date | null; closed_at: Date | null }>(
          `SELECT department, created_at, accept_by, resolve_by, accepted_at, resolved_at, verified_at, closed_at
           FROM work_orders WHERE site_id = $1 AND created_at >= $2 AND created_at < $3`,
          [GENERATED_SITE, from, to],
        );
        const times = orders.map((o) => ({ department: o.department, created: o.created_at.getTime(), acceptBy: o.accept_by, resolveBy: o.resolve_by,
          acceptedAt: o.accepted_at, resolvedAt: o.resolved_at, verifiedAt: o.verified_at, closedAt: o.closed_at }));
        for (const key of [null, 'security', 'gardening']) {
          const mine = times.filter((x) => key === null || x.department === key);
          const row = rows.find((r) => r.dimension === (key === null ? 'total' : 'department') && r.key === key)!;
          const outcomes = mine.map((x) => slaOutcome(x, GENERATED_NOW));
          expect({ met: row.sla_met, judged: row.sla_judged, autoClosed: row.auto_closed }).toEqual({
            met: outcomes.filter((x) => x === 'met').length,
            judged: outcomes.filter((x) => x === 'met' || x === 'missed').length,
            autoClosed: outcomes.filter((x) => x === 'auto_closed').length,
          });
          const doneMin = mine.flatMap((x) => (doneAt(x) ? [(doneAt(x)!.getTime() - x.created) / 60_000] : []));
          expect(row.resolve_median).toBeCloseTo(median(doneMin)!, 9);
          expect(row.resolve_p90).toBeCloseTo(percentile(doneMin, 0.9)!, 9);
        }
        expect(rows.find((r) => r.dimension === 'total')!.verified_by_device).toBeGreaterThan(0);
      });
    });

    it('judges SLA at the report time: C4 is missed once its accept deadline has passed', async () => {
      clock.set('2026-11-08T00:01:00+08:00'); // C4 made 23:45, accept by 24:00
      try {
        const r = await reports.workOrderReport({ from: '2026-11-01', to: '2026-11-08' });
        expect(r.total.sla).toEqual({ judged: 9, met: 3, compliancePct: 33.3, autoClosed: 1 });
      } finally {
        clock.set(REPORT_NOW);
      }
    });

    it('refuses a range whose from is not before to, saying what to send', async () => {
      await expect(reports.workOrderReport({ from: '2026-11-08', to: '2026-11-01' })).rejects.toThrow(BadRequestException);
    });

    it('with several sites, a report must name one; the named one is reported alone', async () => {
      const other = testSite();
      other.site = { ...other.site, id: 'othersite', name: '另一小区' };
      const two = new ReportsService(new ReportsRepository(t.db), new SitesService([testSite(), other], t.db), clock);
      await expect(two.workOrderReport({})).rejects.toThrow(/runs 2 sites; name one of testsite, othersite/);
      const r = await two.workOrderReport({ siteId: 'othersite', from: '2026-11-01', to: '2026-11-08' });
      expect(r).toMatchObject({ siteName: '另一小区', total: { total: 1, escalated: 1 } }); // Y1
    });

    it('refuses an unknown site, naming the ones it runs', async () => {
      await expect(reports.workOrderReport({ siteId: 'nowhere' })).rejects.toThrow(/no site "nowhere".*testsite/);
    });

    describe('duty log of 2026-11-02', () => {
      let daily: Awaited<ReturnType<ReportsService['dailyReport']>>;
      beforeAll(async () => {
        daily = await reports.dailyReport({ date: '2026-11-02' });
      });

      it('covers the site-local day, judged as of its end', () => {
        expect(daily).toMatchObject({ date: '2026-11-02', from: '2026-11-01T16:00:00.000Z', to: '2026-11-02T16:00:00.000Z', asOf: '2026-11-02T16:00:00.000Z' });
      });

      it('counts the alerts raised that day by type and severity, open and acknowledged at its end', () => {
        // gate-1 offline (acked, cleared), soap-1 offline (open), boiler-1 critical (acked, cleared the next day), soap-2 low (cleared unacked).
        expect(daily.alerts).toEqual({
          raised: 4,
          bySeverity: { info: 0, minor: 1, major: 2, critical: 1 },
          byType: [
            { type: 'device.offline', total: 2, bySeverity: { info: 0, minor: 0, major: 2, critical: 0 } },
            { type: 'dispenser.low', total: 1, bySeverity: { info: 0, minor: 1, major: 0, critical: 0 } },
            { type: 'sensor.threshold', total: 1, bySeverity: { info: 0, minor: 0, major: 0, critical: 1 } },
          ],
          // open as the alert tab counts it: soap-1 and boiler-1 (not cleared), soap-2 (cleared, never acknowledged)
          stillOpen: 3,
          conditionActive: 2,
          acknowledged: 2,
          unacknowledged: 2,
        });
      });

      it('says when the day had no patrol rounds', () => {
        expect(daily.patrol).toBeNull();
        expect(daily.patrolNote).toBe(PATROL_NOT_RECORDED);
      });

      it('counts orders opened, closed and escalated that day per department', () => {
        expect(daily.workOrders.byDepartment.slice(0, 2)).toEqual([
          { department: 'security', name: '安管部', opened: 4, closed: 0, escalated: 3 }, // S2–S5; S1 closed on 11-01; S2 S3 S5 escalated
          { department: 'cleaning', name: '保洁部', opened: 4, closed: 2, escalated: 1 }, // C1 C2 C3 C5; C1 C5 closed; C5 escalated
        ]);
        expect(daily.workOrders.total).toEqual({ opened: 8, closed: 2, escalated: 4 });
      });

      it('lists the orders escalated that day, earliest first, and the overdue callbacks', () => {
        expect(daily.escalatedOrders.map((o) => [o.number, o.escalation])).toEqual([
          ['WO-S2', 'accept'],
          ['WO-S5', 'accept'],
          ['WO-C5', 'accept'],
          ['WO-S3', 'resolve'],
        ]);
        expect(daily.escalatedCount).toBe(4);
        expect(daily.overdueCallbackCount).toBe(1);
        expect(daily.escalatedOrders[0]).toMatchObject({ departmentName: '安管部', escalatedAt: '2026-11-02T01:10:00.000Z', status: 'resolved' });
        // O1: resolved 10-28, callback due 10-31 11:00, never made. C3 is due only on 11-05; S4 was called back.
        expect(daily.overdueCallbacks).toEqual([
          expect.objectContaining({ number: 'WO-O1', room: '3-O1', callbackDueAt: '2026-10-31T03:00:00.000Z', departmentName: '安管部' }),
        ]);
      });

      it('a later day sees C3 overdue (due 11-05, no callback) but not S3 or S4 (called back on 11-03)', async () => {
        const later = await reports.dailyReport({ date: '2026-11-06' });
        expect(later.overdueCallbacks.map((o) => o.number)).toEqual(['WO-O1', 'WO-C3']);
      });

      it('counts the rounds of the day and the mean compliance of the completed ones', async () => {
        const round = (id: string, start: string, status: string, compliance: number) =>
          t.db.query(
            `INSERT INTO patrol_rounds (id, site_id, route_id, local_date, start, window_start, window_end, status, compliance, round, created_at, updated_at)
             VALUES ($1, $2, 'r', $3::timestamptz::date, $3, $3, $3, $4, $5, '{}', $3, $3)`,
            [id, SITE, start, status, compliance],
          );
        try {
          await round('r1', '2026-11-02T09:30:00+08:00', 'completed', 1);
          await round('r2', '2026-11-02T15:00:00+08:00', 'completed', 0.5);
          await round('r3', '2026-11-02T21:00:00+08:00', 'in_progress', 0); // not completed: not in the mean
          await round('r4', '2026-11-03T09:30:00+08:00', 'completed', 0); // next day
          const r = await reports.dailyReport({ date: '2026-11-02' });
          expect(r.patrol).toEqual({ rounds: 3, completed: 2, compliancePct: 75 });
          expect(r.patrolNote).toBeUndefined();
        } finally {
          await t.db.query('DELETE FROM patrol_rounds');
        }
      });

      it('patrol compliance over a range: by route (mean of completed rounds) and by guard (on-time ÷ visits), checkpoints by outcome', async () => {
        const cp = (outcome: string, guardId?: string, flags: string[] = []) => ({ checkpointId: 'cp', plannedAt: '2026-11-02T01:30:00Z', outcome, flags, ...(guardId && { guardId }) });
        const round = (id: string, route: string, start: string, status: string, compliance: number, checkpoints: unknown[]) =>
          t.db.query(
            `INSERT INTO patrol_rounds (id, site_id, route_id, local_date, start, window_start, window_end, status, compliance, round, created_at, updated_at)
             VALUES ($1, $2, $3, $4::timestamptz::date, $4, $4, $4, $5, $6, $7, $4, $4)`,
            [id, SITE, route, start, status, compliance, JSON.stringify({ checkpoints })],
          );
        try {
          await round('a', 'r1', '2026-11-02T09:30:00+08:00', 'completed', 1, [cp('on_time', 'G01'), cp('on_time', 'G01')]);
          await round('b', 'r1', '2026-11-03T09:30:00+08:00', 'completed', 0.5, [cp('late', 'G01', ['out_of_order']), cp('on_time', 'G02'), cp('missed')]);
          await round('c', 'r1', '2026-11-04T09:30:00+08:00', 'completed', 0, [cp('missed'), cp('missed')]); // nobody walked it: the route's figure only
          await round('d', 'r1', '2026-11-05T09:30:00+08:00', 'in_progress', 0, [cp('early', 'G02'), cp('pending')]);
          await round('e', 'r1', '2026-11-06T09:30:00+08:00', 'scheduled', 0, [cp('pending')]); // planned, not begun: counted as a round
          await round('x', 'r1', '2026-10-31T09:30:00+08:00', 'completed', 0, [cp('late', 'G01')]); // before the range
          const r = await reports.patrolReport({ from: '2026-11-01', to: '2026-11-08' });
          expect(r.byRoute.find((x) => x.routeId === 'r1')).toEqual({
            routeId: 'r1', name: expect.any(String), rounds: 5, completed: 3, compliancePct: 50,
            checkpoints: { onTime: 3, late: 1, early: 1, missed: 3, outOfOrder: 1 },
          });
          expect(r.byGuard).toEqual([
            // G01 walked a and b: b's miss is in a round they walked.
            { guardId: 'G01', name: '张伟', visits: 3, onTime: 2, onTimePct: 66.7, rounds: 2, completed: 2, checkpoints: { onTime: 2, late: 1, early: 0, missed: 1, outOfOrder: 1 } },
            // G02 is not in the site file: named by its id.
            { guardId: 'G02', name: 'G02', visits: 2, onTime: 1, onTimePct: 50, rounds: 2, completed: 1, checkpoints: { onTime: 1, late: 0, early: 1, missed: 1, outOfOrder: 0 } },
          ]);
        } finally {
          await t.db.query('DELETE FROM patrol_rounds');
        }
      });

      it('refuses a day that has not begun', async () => {
        await expect(reports.dailyReport({ date: '2026-11-09' })).rejects.toThrow(/has not begun yet.*2026-11-07/);
      });
    });
  });
}
