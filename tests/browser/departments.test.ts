// Issue 8, point 1, in a real Chromium: a site with departments of its own. The work-order
// board's department filter lists the site file's departments by their own names (not a fixed
// five), filters by one of them, and the complaint form offers them.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginResponse, WorkOrderDto } from '@estate-watch/contracts';
import { startServer, type RunningServer } from '../../apps/server/src/bootstrap';
import { testSite } from '../../apps/server/src/sites/sites.testing';
import { ensureDashboardBuilt, launchChromium, RESULTS } from '../support/browser';

describe("the site's own departments in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let parkingOrder: WorkOrderDto;

  beforeAll(async () => {
    ensureDashboardBuilt();
    server = await startServer({
      source: {},
      sites: [testSite('own-departments')],
      env: { httpPort: 0, mqttPort: 0, dataDir: undefined, demo: true, simulator: false, logLevel: 'warn' },
    });
    const login = await fetch(`${server.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'operator', password: 'demo' }) });
    const { token } = (await login.json()) as LoginResponse;
    const create = async (title: string, department: string) => {
      const res = await fetch(`${server.httpUrl}/api/work-orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'inspection', title, description: title, department }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as WorkOrderDto;
    };
    parkingOrder = await create('车位地锁损坏', '车管组');
    await create('草坪枯黄', 'greening');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the filter lists the site file\'s departments by their own names, and filters by one', async () => {
    await page.goto(server.httpUrl);
    await page.getByTestId('login-username').fill('operator');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
    await page.goto(`${server.httpUrl}/work-orders`);
    const filter = page.getByTestId('wo-filter-department');
    await filter.locator('[data-dept="车管组"]').waitFor();
    expect(await filter.locator('button').allInnerTexts()).toEqual(['全部部门', '秩序维护部', '工程维修部', '绿化部', '环境部', '热线组', '车管组']);
    await filter.locator('[data-dept="车管组"]').click();
    await page.locator(`[data-testid="wo-card"][data-order-id="${parkingOrder.id}"]`).waitFor();
    await expect(page.getByTestId('wo-card').count()).resolves.toBe(1);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: resolve(RESULTS, 'departments-filter.png') });
  });

  it('the complaint form offers them, the customer-service default replaced by the site\'s first', async () => {
    await page.keyboard.press('n');
    await page.getByTestId('complaint-form').waitFor();
    const offered = page.getByTestId('complaint-form').locator('[data-dept]');
    expect(await offered.allInnerTexts()).toEqual(['秩序维护部', '工程维修部', '绿化部', '环境部', '热线组', '车管组']);
    await expect(page.getByTestId('complaint-form').locator('[data-dept][aria-checked="true"]').innerText()).resolves.toBe('秩序维护部');
  });
});
