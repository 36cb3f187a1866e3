// Issue 3.5 in a real Chromium: a supervisor sees the 报表 tab, the work-order figures of the last
// 30 days per department and source, the day's duty log, and 打印 opens the printable page in a
// new tab (fetched with the token, opened as a blob). An operator has no such tab and no such page.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateWorkOrderBody, WorkOrderDto, WorkOrderEventBody } from '@estate-watch/contracts';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { api, login, startTestServer } from '../support/server';
import { ensureDashboardBuilt, launchChromium, RESULTS } from '../support/browser';

const UI_TIMEOUT = 15_000;

describe('reports in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  async function signIn(username: string): Promise<void> {
    await page.goto(`${server.httpUrl}/login`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
  }

  /** Three complaints and an inspection: one closed after a satisfied callback, one reopened unsatisfied. */
  async function seed(): Promise<void> {
    const token = (await login(server, 'supervisor')).token;
    const create = async (body: CreateWorkOrderBody) => (await api<WorkOrderDto>(server, token, '/api/work-orders', { method: 'POST', body: JSON.stringify(body) })).body;
    const act = async (id: string, body: WorkOrderEventBody) => {
      const res = await api<WorkOrderDto>(server, token, `/api/work-orders/${id}/events`, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    };
    const resident = { reporter: { name: '王先生', room: '5-2-1101', phone: '139 0000 1234' }, channel: 'phone' as const };
    const happy = await create({ source: 'complaint', title: '楼道灯不亮', description: '3 号楼 5 楼', department: 'engineering', ...resident });
    for (const body of [{ action: 'dispatch', department: 'engineering' }, { action: 'accept' }, { action: 'resolve' }, { action: 'verify', satisfied: true, note: '住户满意' }, { action: 'close' }] as WorkOrderEventBody[]) await act(happy.id, body);
    const unhappy = await create({ source: 'complaint', title: '噪音扰民', description: '深夜装修', department: 'security', ...resident });
    for (const body of [{ action: 'dispatch', department: 'security' }, { action: 'accept' }, { action: 'resolve' }, { action: 'reopen', satisfied: false, note: '仍有噪音' }] as WorkOrderEventBody[]) await act(unhappy.id, body);
    await create({ source: 'complaint', title: '快递柜无法开启', description: '取件码无效', department: 'service', ...resident });
    await create({ source: 'inspection', title: '大堂地面污渍', description: '2 号楼大堂', department: 'cleaning' });
  }

  beforeAll(async () => {
    ensureDashboardBuilt();
    server = await startTestServer();
    await seed();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a supervisor sees 报表 and the work-order figures of the last 30 days', async () => {
    await signIn('supervisor');
    await page.getByTestId('nav-reports').click();
    await expect(page.getByTestId('page-heading').textContent()).resolves.toBe('报表');
    await page.getByTestId('wo-report').waitFor();

    await expect(page.getByTestId('report-kpi-orders').locator('.value').textContent()).resolves.toBe('4');
    // 2 resolved complaints, both called back; 1 of those 2 callbacks satisfied.
    await expect(page.getByTestId('report-kpi-callback').locator('.value').textContent()).resolves.toBe('100%');
    await expect(page.getByTestId('report-kpi-satisfaction').locator('.value').textContent()).resolves.toBe('50%');

    const departments = page.getByTestId('report-table-department');
    const row = (table: typeof departments, key: string) => table.locator(`[data-testid="report-row"][data-key="${key}"]`);
    await expect(row(departments, 'engineering').getByTestId('report-total').textContent()).resolves.toBe('1');
    await expect(row(departments, 'total').getByTestId('report-total').textContent()).resolves.toBe('4');
    await expect(row(departments, 'parking').getByTestId('report-total').textContent()).resolves.toBe('0');
    const sources = page.getByTestId('report-table-source');
    await expect(row(sources, 'complaint').getByTestId('report-total').textContent()).resolves.toBe('3');
    await expect(row(sources, 'inspection').getByTestId('report-total').textContent()).resolves.toBe('1');

    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: resolve(RESULTS, 'dashboard-reports.png') });
  });

  it('the duty log shows the day, and 打印 opens the printable page in a new tab', async () => {
    await page.getByTestId('reports-view-daily').click();
    const log = page.getByTestId('daily-log');
    await log.waitFor();
    await expect(page.getByTestId('daily-orders').textContent()).resolves.toContain('4');
    await page.screenshot({ path: resolve(RESULTS, 'dashboard-duty-log.png') });

    const [printable] = await Promise.all([context.waitForEvent('page'), page.getByTestId('daily-print').click()]);
    await printable.waitForURL(/^blob:/);
    await printable.waitForLoadState();
    await expect(printable.content()).resolves.toContain('值班日志');
    await expect(printable.content()).resolves.toContain('值班负责人签字');
    await printable.close();
  });

  it('an operator has no 报表 tab, and the address leads back to the alerts', async () => {
    await page.getByTestId('user-menu').click(); // Sign out lives in the user menu (issue 12.1)
    await page.getByTestId('logout').click();
    await signIn('operator');
    await page.getByTestId('nav-patrol').waitFor();
    expect(await page.getByTestId('nav-reports').count()).toBe(0);
    await page.goto(`${server.httpUrl}/reports`);
    await page.waitForURL(/\/alerts$/);
    expect(await page.getByTestId('nav-reports').count()).toBe(0);
  });
});
