// Issue 12.5 / 10.2 in a real Chromium: a control room in New York watching an estate in Shanghai
// reads every time as the estate's clock, in one format per language, and the screen names the
// estate's zone once. A browser in the estate's own zone gets no such note.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDto, WorkOrderDto } from '@estate-watch/contracts';
import { localDateTimeOf, localTimeOf } from '@estate-watch/domain';
import { AlertsService } from '../../apps/server/src/alerts/alerts.service';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { testSite } from '../../apps/server/src/sites/sites.testing';
import { api, login, startTestServer } from '../support/server';
import { ensureDashboardBuilt, launchChromium } from '../support/browser';

const UI_TIMEOUT = 15_000;
const SITE_ZONE = testSite().site.timezone; // Asia/Shanghai
const ELSEWHERE = 'America/New_York'; // 12 or 13 hours behind: every date and hour differs
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The agreed formats: `2026-12-04 18:05` in Chinese, `4 Dec 2026 18:05` in English (`18:05:09` with seconds). */
function shown(iso: string, zone: string, locale: 'zh-CN' | 'en', seconds = false): string {
  const text = localDateTimeOf(new Date(iso), zone, seconds);
  if (locale === 'zh-CN') return text;
  const [date, time] = text.split(' ') as [string, string];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS[m - 1]} ${y} ${time}`;
}

/** The site's clock within a minute either side of now (the badge ticks every second). */
const siteClockNearNow = () => [-60_000, 0, 60_000].map((d) => localTimeOf(new Date(Date.now() + d), SITE_ZONE));

describe('site time in a browser in another zone', () => {
  let server: RunningServer;
  let browser: Browser;
  let order: WorkOrderDto;
  let alert: AlertDto;
  const contexts: BrowserContext[] = [];

  /** `sitesUnanswered`: GET /api/sites never answers, and no zones are remembered from a visit before. */
  async function openAs(timezoneId: string, locale: 'zh-CN' | 'en', options: { sitesUnanswered?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, timezoneId });
    contexts.push(context);
    await context.addInitScript((l) => localStorage.setItem('estate-watch.locale', l), locale);
    if (options.sitesUnanswered) await context.route('**/api/sites', () => undefined);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(`${server.httpUrl}/login`);
    await page.getByTestId('login-username').fill('supervisor');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
    // The test's own premise: this page runs on New York's (or Shanghai's) clock.
    await expect(page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).resolves.toBe(timezoneId);
    return page;
  }

  beforeAll(async () => {
    ensureDashboardBuilt();
    server = await startTestServer();
    const token = (await login(server, 'supervisor')).token;
    const created = await api<WorkOrderDto>(server, token, '/api/work-orders', {
      method: 'POST',
      body: JSON.stringify({ source: 'inspection', title: '大堂地面污渍', description: '2 号楼大堂', department: 'cleaning' }),
    });
    expect(created.status).toBe(201);
    order = created.body;
    alert = await server.app.get(AlertsService).raise({ siteId: testSite().site.id, type: 'device.offline', subject: 'gate-1', message: '北门入口 离线' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`${locale}: an order's times are the site's, in the language's one format`, async () => {
      const page = await openAs(ELSEWHERE, locale);
      await page.goto(`${server.httpUrl}/work-orders/${order.id}`);
      const created = page.getByTestId('wo-fact-createdAt');
      await expect.poll(() => created.textContent(), { timeout: UI_TIMEOUT }).toContain(shown(order.createdAt, SITE_ZONE, locale));
      await expect(created.textContent()).resolves.not.toContain(shown(order.createdAt, ELSEWHERE, locale));
      await expect(page.getByTestId('wo-fact-acceptBy').textContent()).resolves.toBe(shown(order.acceptBy, SITE_ZONE, locale));

      // The listing asks for the site's days (+08:00), not New York's.
      const asked: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/work-orders?') && r.url().includes('from=')) asked.push(new URL(r.url()).searchParams.get('from')!);
      });
      await page.goto(`${server.httpUrl}/work-orders?history`);
      const firstRow = page.getByTestId('history-table').locator('tbody tr').first();
      await expect.poll(() => firstRow.textContent(), { timeout: UI_TIMEOUT }).toContain(shown(order.createdAt, SITE_ZONE, locale));
      // Every listing on the site's days: the first waits for the site's zone (a first one asked
      // before the site list answered read the browser's, then asked again).
      expect(asked.length).toBeGreaterThan(0);
      for (const from of asked) expect(from).toMatch(/T00:00:00\+08:00$/);
    });

    // Issue 10 point 2: an alert and an order carry their site's zone, so their times are the site's
    // from the row alone, even while the site list (the zones) has not arrived.
    it(`${locale}: before the site list answers, an alert row and a work-order card already read the site's clock`, async () => {
      const page = await openAs(ELSEWHERE, locale, { sitesUnanswered: true });
      await page.goto(`${server.httpUrl}/alerts`);
      const row = page.locator(`[data-testid="alert-row"][data-alert-id="${alert.id}"] .time`);
      await expect.poll(() => row.getAttribute('title'), { timeout: UI_TIMEOUT }).toBe(shown(alert.lastSeenAt, SITE_ZONE, locale, true));

      await page.goto(`${server.httpUrl}/work-orders`);
      const sla = page.locator(`[data-testid="wo-card"][data-order-id="${order.id}"]`).getByTestId('wo-sla');
      await expect.poll(() => sla.getAttribute('title'), { timeout: UI_TIMEOUT }).toContain(shown(order.acceptBy, SITE_ZONE, locale));
      await expect(sla.getAttribute('title')).resolves.not.toContain(shown(order.acceptBy, ELSEWHERE, locale));
      // The premise: the zones never came.
      await expect(page.evaluate(() => localStorage.getItem('estate-watch.site-zones'))).resolves.toBeNull();
    });

    it(`${locale}: the line under the top bar shows the site's clock and names its zone`, async () => {
      const page = await openAs(ELSEWHERE, locale);
      const badge = page.getByTestId('site-zone');
      await badge.waitFor();
      await expect(badge.getAttribute('data-zone')).resolves.toBe(SITE_ZONE);
      await expect(badge.getAttribute('title')).resolves.toContain(`${SITE_ZONE} · UTC+08:00`);
      const text = (await badge.textContent()) ?? '';
      expect(text).toMatch(locale === 'en' ? /China/ : /中国/);
      expect(siteClockNearNow().some((hhmm) => text.includes(hhmm)), `${text} shows none of ${siteClockNearNow().join(', ')}`).toBe(true);
      expect(text).not.toContain(localTimeOf(new Date(), ELSEWHERE));
    });
  }

  it('a browser in the site zone gets no zone note: its own clock is the site clock', async () => {
    const page = await openAs(SITE_ZONE, 'zh-CN');
    await page.goto(`${server.httpUrl}/work-orders/${order.id}`);
    await expect.poll(() => page.getByTestId('wo-fact-createdAt').textContent(), { timeout: UI_TIMEOUT }).toContain(shown(order.createdAt, SITE_ZONE, 'zh-CN'));
    // The zones are known (the note would show by now if it were due): still no note.
    await page.waitForFunction(() => localStorage.getItem('estate-watch.site-zones')?.includes('Asia/Shanghai'));
    expect(await page.getByTestId('site-zone').count()).toBe(0);
  });
});
