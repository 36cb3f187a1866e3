// Issue 12.5 in Chromium against the real server on the demo estate: an order its device verified
// (a soap dispenser refilled) and a complaint verified by its callback sit in two finished columns,
// 设备确认 / "Device-verified today" beside 已回访 / "Called back today", both folded with the other
// finished column until opened; the device's verification moves its card there live; the source
// filter keeps each where it is; and at 1366×768 the board fits in English and in Chinese.
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, LABELS, parseSiteConfig, type SiteConfig, type WorkOrderDto, type WorkOrderEventBody } from '@estate-watch/contracts';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { api, connectDevice, connected, eventually, login, startTestServer } from '../support/server';
import { DEMO_FILE, ensureDashboardBuilt, horizontalOverflow, launchChromium, RESULTS } from '../support/browser';

const UI_TIMEOUT = 15_000;
const SIZE = { width: 1366, height: 768 };
const DISPENSER = 'club-wc-m-soap';
const LANGS = ['en', 'zh-CN'] as const;
/** The finished columns' headers, as the board composes them from the one vocabulary. */
const HEADERS = {
  en: { called_back: 'Called back today', device_verified: 'Device-verified today', closed: 'Closed today' },
  'zh-CN': { called_back: '今日已回访', device_verified: '今日设备确认', closed: '今日已关闭' },
} as const;

describe('device-verified and called back are two columns on the board (issue 12.5)', () => {
  let server: RunningServer;
  let browser: Browser;
  let site: SiteConfig;
  let token: string;
  let dispenser: MqttClient;
  let n = 0;
  let calledBack: WorkOrderDto;
  let replenish: WorkOrderDto;

  const level = async (pct: number) =>
    dispenser.publishAsync(buildTopic({ site: site.site.id, kind: 'dispenser', device: DISPENSER, stream: 'telemetry' }), JSON.stringify({ id: `columns-${++n}`, ts: new Date().toISOString(), level: pct }), { qos: 1 });
  const orders = async () => (await api<WorkOrderDto[]>(server, token, '/api/work-orders')).body;
  const card = (page: Page, column: string, order: WorkOrderDto) => page.locator(`[data-testid="wo-column"][data-column="${column}"] [data-testid="wo-card"][data-order-id="${order.id}"]`);

  async function onBoard(lang: (typeof LANGS)[number]): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: SIZE });
    await context.addInitScript((locale) => localStorage.setItem('estate-watch.locale', locale), lang);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(`${server.httpUrl}/work-orders`);
    await page.getByTestId('login-username').fill('operator');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
    await page.getByTestId('wo-board').waitFor();
    return { context, page };
  }

  beforeAll(async () => {
    ensureDashboardBuilt();
    mkdirSync(resolve(RESULTS, 'screens'), { recursive: true });
    site = parseSiteConfig(readFileSync(DEMO_FILE, 'utf8'), DEMO_FILE);
    server = await startTestServer({ sites: [site] });
    ({ token } = await login(server, 'operator'));
    // A complaint taken through to its callback: verified by a person.
    const post = async (path: string, body: unknown) => {
      const res = await api<WorkOrderDto>(server, token, path, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    calledBack = await post('/api/work-orders', { source: 'complaint', title: '楼道灯不亮', description: '3 栋 1 单元 5 楼', reporter: { name: '王女士', room: '3-1-502', phone: '138 0000 1234' } });
    const steps: WorkOrderEventBody[] = [{ action: 'dispatch', department: calledBack.department }, { action: 'accept' }, { action: 'resolve' }, { action: 'verify', satisfied: true, note: '住户确认灯已修好' }];
    for (const step of steps) calledBack = await post(`/api/work-orders/${calledBack.id}/events`, step);
    expect(calledBack).toMatchObject({ status: 'verified', verifiedBy: 'callback' });
    // A soap dispenser runs low: its replenish order is open until the dispenser is refilled (in a test below).
    dispenser = await connected(await connectDevice(server, site, 'dispenser', DISPENSER));
    await level(12);
    replenish = (await eventually(orders, (list) => list.some((o) => o.originKey === `replenish:${DISPENSER}`), 15_000)).find((o) => o.originKey === `replenish:${DISPENSER}`)!;
    browser = await launchChromium();
  });

  afterAll(async () => {
    dispenser?.end(true);
    await browser?.close();
    await server?.close();
  });

  it('the device verifying its order moves the card live into 设备确认, beside the called-back complaint', async () => {
    const { context, page } = await onBoard('en');
    await card(page, replenish.status, replenish).waitFor();
    await page.getByTestId('wo-show-done').first().click();
    await card(page, 'called_back', calledBack).waitFor();
    await level(90); // refilled: the device confirms the condition cleared
    await card(page, 'device_verified', replenish).waitFor();
    expect(await page.locator('[data-testid="wo-column"][data-column="called_back"] [data-testid="wo-card"]').count()).toBe(1);
    const verified = (await orders()).find((o) => o.id === replenish.id);
    expect(verified).toMatchObject({ status: 'verified', verifiedBy: 'device' });
    // Filtered to device alerts: the device's order stays in its column, the complaint goes.
    await page.getByTestId('wo-filter-source').selectOption('alert');
    await card(page, 'called_back', calledBack).waitFor({ state: 'detached' });
    await card(page, 'device_verified', replenish).waitFor();
    await context.close();
  });

  it.each(LANGS)('in %s at 1366×768 both columns are named, fold with the finished ones, and the board fits', async (lang) => {
    await eventually(orders, (list) => list.some((o) => o.id === replenish.id && o.verifiedBy === 'device'), 15_000);
    const { context, page } = await onBoard(lang);
    const column = (id: keyof (typeof HEADERS)['en']) => page.locator(`[data-testid="wo-column"][data-column="${id}"]`);
    // Folded: a strip per finished column, each with its count and name.
    await column('device_verified').getByTestId('wo-show-done').waitFor();
    expect(await page.getByTestId('wo-show-done').count()).toBe(3);
    for (const [id, header] of Object.entries(HEADERS[lang])) {
      await expect(column(id as keyof (typeof HEADERS)['en']).locator('.vertical').textContent()).resolves.toBe(header);
    }
    expect(await horizontalOverflow(page, `${lang} folded`)).toEqual([]);
    // Opened: both headers say what their column holds, each card in its own.
    await page.getByTestId('wo-show-done').first().click();
    await card(page, 'device_verified', replenish).waitFor();
    await card(page, 'called_back', calledBack).waitFor();
    expect(await column('device_verified').locator('.col-head .name').textContent()).toBe(HEADERS[lang].device_verified);
    expect(await column('called_back').locator('.col-head .name').textContent()).toBe(HEADERS[lang].called_back);
    // The words are the vocabulary's (issue 10.1), the same the detail's chip says.
    expect(HEADERS[lang].device_verified).toContain(LABELS[lang].woVerifiedBy.device);
    await page.waitForLoadState('networkidle');
    expect(await horizontalOverflow(page, `${lang} opened`)).toEqual([]);
    // Said whole, not cut to "Device-verified…" (issue 12.1's "Reop…").
    const cut = await page.locator('[data-testid="wo-column"] .col-head .name').evaluateAll((names) => names.filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent));
    expect(cut).toEqual([]);
    await page.screenshot({ path: resolve(RESULTS, 'screens', `work-order-columns-${lang}-1366.png`) });
    await card(page, 'device_verified', replenish).click();
    await expect(page.getByTestId('wo-status').first().textContent()).resolves.toBe(LABELS[lang].woVerifiedBy.device);
    expect(await horizontalOverflow(page, `${lang} with the detail open`)).toEqual([]);
    await context.close();
  });
});
