// GET /api/reports/work-orders, /daily and /daily.html: who may call them, what a bad range
// answers, and that the printable page carries the same figures as the JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { createTestApp, type TestApp } from '../common/http/http.testing';
import { testSite } from '../sites/sites.testing';
import { insertAlerts, insertOrders, REPORT_NOW } from './reports.testing';
import { ReportsModule } from './reports.module';

describe('/api/reports', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp({ imports: [ReportsModule], sites: [testSite()], clock: new ManualClock(REPORT_NOW) });
    await insertOrders(t.db);
    await insertAlerts(t.db);
    for (const name of ['operator', 'supervisor', 'admin']) tokens[name] = await t.login(name);
  });
  afterAll(() => t.close());

  const paths = ['/api/reports/work-orders', '/api/reports/daily?date=2026-11-02', '/api/reports/daily.html?date=2026-11-02'];

  it.each(paths.flatMap((path) => [
    { path, as: 'nobody', status: 401 },
    { path, as: 'operator', status: 403 },
    { path, as: 'supervisor', status: 200 },
    { path, as: 'admin', status: 200 },
  ]))('GET $path as $as → $status', async ({ path, as, status }) => {
    const res = await t.request('GET', path, { token: tokens[as] });
    expect(res.status).toBe(status);
  });

  it('answers the work-order report for a range of site-local dates', async () => {
    const res = await t.request('GET', '/api/reports/work-orders?from=2026-11-01&to=2026-11-08', { token: tokens.supervisor });
    expect(res.status).toBe(200);
    expect(res.body.total).toMatchObject({ total: 10, escalated: 4, sla: { judged: 8, met: 3, compliancePct: 37.5, autoClosed: 1 } });
    expect(res.body.total.toResolve).toEqual({ count: 7, medianMin: 60, p90Min: 104 });
  });

  it('takes date-times with an offset as exact instants', async () => {
    const from = encodeURIComponent('2026-11-02T09:00:00+08:00');
    const res = await t.request('GET', `/api/reports/work-orders?from=${from}&to=2026-11-02T01:00:01Z`, { token: tokens.supervisor });
    expect(res.status).toBe(200);
    expect(res.body.total.total).toBe(8); // the eight orders made at 09:00 local on 11-02
  });

  it.each([
    { why: 'from after to', query: 'from=2026-11-08&to=2026-11-01', message: /from \(.*\) must be before to/ },
    { why: 'from equal to to', query: 'from=2026-11-01&to=2026-11-01', message: /must be before to/ },
    { why: 'more than 366 days', query: 'from=2025-01-01&to=2026-06-01', message: /at most 366 days/ },
    { why: 'not a date', query: 'from=yesterday', message: /from: .*YYYY-MM-DD/ },
    { why: 'a date-time without an offset', query: 'from=2026-11-01T08:00:00', message: /from: .*offset/ },
    { why: 'an unknown site', query: 'siteId=nowhere', message: /no site "nowhere"/ },
  ])('400 for $why, with a message that says what to send', async ({ query, message }) => {
    const res = await t.request('GET', `/api/reports/work-orders?${query}`, { token: tokens.supervisor });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it.each(['2026-13-45', '2026-02-30', '2026-11-2', 'today'])('400 for a daily date %s, which is not a calendar date YYYY-MM-DD', async (date) => {
    const res = await t.request('GET', `/api/reports/daily?date=${date}`, { token: tokens.supervisor });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^date: (a date YYYY-MM-DD|not a calendar date)/);
  });

  it('400 for a range ending on a date that does not exist', async () => {
    const res = await t.request('GET', '/api/reports/work-orders?from=2026-02-01&to=2026-02-30', { token: tokens.supervisor });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^to: /);
  });

  it('the printable duty log carries the same figures as the JSON', async () => {
    const json = await t.request('GET', '/api/reports/daily?date=2026-11-02', { token: tokens.supervisor });
    const page = await t.request<string>('GET', '/api/reports/daily.html?date=2026-11-02', { token: tokens.supervisor });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    const html = page.body;
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('测试小区 值班日志');
    expect(html).toContain('2026-11-02');
    expect(html).toContain('值班负责人签字');
    expect(html).toContain('@page { size: A4');
    expect(json.body.alerts.raised).toBe(4);
    // Alert totals row: info 0, minor 1, major 2, critical 1, total 4.
    expect(html).toMatch(/<tfoot><tr><th colspan="2">合计<\/th><td class="n">0<\/td><td class="n">1<\/td><td class="n">2<\/td><td class="n">1<\/td><td class="n">4<\/td>/);
    // Work orders: security 4 opened / 0 closed / 3 escalated; total 8 / 2 / 4.
    expect(html).toMatch(/<td>安管部<\/td><td class="n">4<\/td><td class="n">0<\/td><td class="n">3<\/td>/);
    expect(html).toMatch(/<th>合计<\/th><td class="n">8<\/td><td class="n">2<\/td><td class="n">4<\/td>/);
    for (const o of [...json.body.escalatedOrders, ...json.body.overdueCallbacks]) expect(html).toContain(o.number);
    expect(html).toContain('3-O1'); // the overdue callback's room
    expect(html).toContain('当日无巡更轮次');
    expect(html).not.toMatch(/<script/i);
  });

  it('is in the OpenAPI document', async () => {
    const res = await t.request('GET', '/api/docs-json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/reports/work-orders', '/api/reports/daily', '/api/reports/daily.html']));
  });
});
