// CONTRACT §2 — departments are the site's own: a site whose file names none of the example's
// five gets its alert orders, complaints, dispatches, filters and reports in its own departments.
import { describe, expect, it } from 'vitest';
import { WorkOrderQuerySchema, WorkOrderReportQuerySchema } from '@estate-watch/contracts';
import type { Backend } from '../db/database.testing';
import { ReportsRepository } from '../reports/reports.repository';
import { ReportsService } from '../reports/reports.service';
import { SitesService } from '../sites/sites.service';
import { testSite } from '../sites/sites.testing';
import { complaint, inspection, MIN, workOrdersHarness } from './work-orders.testing';

export function ownDepartmentsSuite(backend: Backend): void {
  describe(`a site with departments of its own on ${backend}`, () => {
    const h = workOrdersHarness(backend, 'own departments', 'own-departments');
    const site = testSite('own-departments');
    const accept = (department: string) => site.departments.find((d) => d.id === department)!.sla.acceptMin * MIN;

    it.each([
      { type: 'gate.fault', subject: 'gate-1', department: 'maintenance' },
      { type: 'gate.stuck_open', subject: 'gate-1', department: '车管组' },
      { type: 'device.offline', subject: 'cp-1', department: 'maintenance' },
      { type: 'dispenser.low', subject: 'soap-1', department: 'environment' },
      { type: 'patrol.unknown_card', subject: 'cp-1', department: 'patrol-team' },
      { type: 'patrol.missed', subject: 'cp-1', details: { routeId: 'r1', roundId: 'r1@2026-11-27T09:30' }, department: 'patrol-team' },
      { type: 'sensor.threshold', subject: 'boiler-1:temperature_c', department: 'greening' },
    ] as const)('$type goes to $department with its SLA', async ({ type, subject, department, ...extra }) => {
      await h.raise(type, subject, extra);
      const [o] = await h.all();
      expect(o).toMatchObject({ department, status: 'dispatched' });
      expect(Date.parse(o!.acceptBy) - h.clock.now().getTime()).toBe(accept(department));
    });

    it('complaints go to its departments, are re-dispatched among them and filtered by them', async () => {
      const c = await h.workOrders.create({ ...complaint, department: 'hotline' }, 'operator');
      expect(c).toMatchObject({ department: 'hotline', acceptBy: new Date(h.clock.now().getTime() + accept('hotline')).toISOString() });
      const moved = await h.act(c, { action: 'dispatch', department: 'greening', assignee: '老周' });
      expect(moved).toMatchObject({ department: 'greening', status: 'dispatched' });
      expect(moved.timeline.at(-1)).toMatchObject({ action: 'dispatch', department: 'greening' });
      await h.workOrders.create({ ...inspection, department: '车管组' }, 'operator');
      const query = (department: string) => h.workOrders.list(WorkOrderQuerySchema.parse({ department }));
      expect((await query('greening')).map((o) => o.id)).toEqual([c.id]);
      expect((await query('车管组')).map((o) => o.department)).toEqual(['车管组']);
      expect(await query('security')).toEqual([]);
    });

    it('a department the site lacks is refused with the ones it has', async () => {
      const c = await h.workOrders.create({ ...complaint, department: 'hotline' }, 'operator');
      await expect(h.act(c, { action: 'dispatch', department: 'security' })).rejects.toThrow(
        'department: "security" is not a department of site testsite (departments: patrol-team, maintenance, greening, environment, hotline, 车管组)',
      );
      // The default for an inspection (the example's engineering) is not there: say so.
      await expect(h.workOrders.create(inspection, 'operator')).rejects.toThrow('department: required: site testsite has no "engineering" department to default to');
    });

    it("a complaint without a department goes to the site's first, as the dashboard's form preselects (no customer-service centre here)", async () => {
      expect(await h.workOrders.create(complaint, 'operator')).toMatchObject({ department: 'patrol-team', acceptBy: new Date(h.clock.now().getTime() + accept('patrol-team')).toISOString() });
    });

    it("the report lists the site's departments by their own names", async () => {
      await h.workOrders.create({ ...complaint, department: 'hotline' }, 'operator');
      await h.raise('gate.fault', 'gate-1');
      const reports = new ReportsService(new ReportsRepository(h.db), new SitesService([site], h.db), h.clock);
      const report = await reports.workOrderReport(WorkOrderReportQuerySchema.parse({ siteId: 'testsite', from: '2026-11-27', to: '2026-11-28' }));
      expect(report.byDepartment.map((d) => [d.key, d.name, d.total])).toEqual([
        ['patrol-team', '秩序维护部', 0],
        ['maintenance', '工程维修部', 1],
        ['greening', '绿化部', 0],
        ['environment', '环境部', 0],
        ['hotline', '热线组', 1],
        ['车管组', '车管组', 0],
      ]);
    });
  });
}
