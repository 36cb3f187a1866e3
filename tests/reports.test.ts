// Issue 3.5 end to end on the real server: orders made and worked through the work-order API
// show up in the manager's report and the printed duty log (the reports read the same tables).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailyReportDto, WorkOrderDto, WorkOrderReportDto } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { api, login, startTestServer } from './support/server';

describe('reports on the running server', () => {
  let server: RunningServer;
  let operator: string;
  let supervisor: string;

  beforeAll(async () => {
    server = await startTestServer();
    operator = (await login(server, 'operator')).token;
    supervisor = (await login(server, 'supervisor')).token;
  });
  afterAll(() => server?.close());

  const post = (path: string, body: unknown) => api<WorkOrderDto>(server, operator, path, { method: 'POST', body: JSON.stringify(body) });

  it('counts a complaint worked through to a satisfied callback, and an inspection still open', async () => {
    const complaint = await post('/api/work-orders', {
      source: 'complaint',
      title: '楼道灯不亮',
      description: '3号楼2单元楼道灯不亮',
      department: 'engineering',
      reporter: { name: '李先生', room: '3-2-501', phone: '13900000000' },
      channel: 'phone',
    });
    expect(complaint.status).toBe(201);
    const id = complaint.body.id;
    for (const event of [{ action: 'dispatch', department: 'engineering' }, { action: 'accept' }, { action: 'resolve' }, { action: 'verify', satisfied: true, note: '回访：业主表示满意' }]) {
      const res = await post(`/api/work-orders/${id}/events`, event);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    }
    expect((await post('/api/work-orders', { source: 'inspection', title: '井盖松动', description: '北门井盖松动', department: 'engineering' })).status).toBe(201);

    const report = await api<WorkOrderReportDto>(server, supervisor, '/api/reports/work-orders');
    expect(report.status).toBe(200);
    const engineering = report.body.byDepartment.find((d) => d.key === 'engineering')!;
    expect(engineering).toMatchObject({ name: '工程部', total: 2, byStatus: expect.objectContaining({ verified: 1 }) });
    expect(engineering.toAccept.count).toBe(1);
    expect(engineering.toResolve.count).toBe(1);
    expect(engineering.sla).toEqual({ judged: 1, met: 1, compliancePct: 100, autoClosed: 0 }); // worked by a person, not closed by a device unaccepted // the inspection is within its deadlines: pending
    expect(report.body.total.callbacks).toMatchObject({ complaintsResolved: 1, withCallback: 1, callbackRatePct: 100, callbacks: 1, satisfied: 1, satisfactionPct: 100 });
  });

  it('prints today’s duty log with those orders', async () => {
    const daily = await api<DailyReportDto>(server, supervisor, '/api/reports/daily');
    expect(daily.status).toBe(200);
    expect(daily.body.workOrders.byDepartment.find((d) => d.department === 'engineering')).toMatchObject({ opened: 2 });
    const page = await fetch(`${server.httpUrl}/api/reports/daily.html`, { headers: { authorization: `Bearer ${supervisor}` } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`测试小区 值班日志`);
    expect(html).toMatch(/<td>工程部<\/td><td class="n">2<\/td>/);
  });

  it('is a manager’s view: the operator is refused', async () => {
    expect((await api(server, operator, '/api/reports/work-orders')).status).toBe(403);
  });
});
