// Issue 13, point 4: the built dashboard runs under the server's content-security policy, over
// HTTPS with a certificate made by the test. Every page (and the printable duty log, opened as
// a blob: tab that inherits the policy, and the OpenAPI page) loads in Chromium with no CSP
// violation reported, and the live connection comes up over wss://.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../apps/server/src/bootstrap';
import { makeCertificates, type TestCertificates } from '../support/tls';
import { ensureDashboardBuilt, launchChromium } from '../support/browser';

const UI_TIMEOUT = 15_000;
const PAGES = ['/alerts', '/work-orders', '/patrol', '/parking', '/consumables', '/equipment', '/devices', '/reports'];

describe('dashboard under the content-security policy, over HTTPS', () => {
  let certs: TestCertificates;
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every CSP report from any tab: console lines and securitypolicyviolation events. */
  const violations: string[] = [];

  const watch = async (p: Page) => {
    p.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(`${p.url()}: ${message.text()}`);
    });
  };

  beforeAll(async () => {
    ensureDashboardBuilt();
    certs = await makeCertificates();
    server = await startServer({
      source: {},
      env: { httpPort: 0, mqttPort: 0, dataDir: undefined, demo: true, simulator: false, logLevel: 'warn', tlsCertFile: certs.certFile, tlsKeyFile: certs.keyFile },
    });
    browser = await launchChromium();
    context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1600, height: 900 } });
    // Reported even where nothing is logged to the console.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`Content-Security-Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    context.on('page', (p) => void watch(p));
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    certs?.remove();
  });

  it('serves the dashboard over https:// with the policy', async () => {
    expect(server.httpUrl).toMatch(/^https:/);
    const response = await page.goto(server.httpUrl);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  });

  it('signs in and comes up live (Socket.IO over wss://) with no violation', async () => {
    await page.getByTestId('login-username').fill('supervisor');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
    expect(violations).toEqual([]);
  });

  it.each(PAGES)('%s renders with no violation', async (path) => {
    await page.goto(`${server.httpUrl}${path}`);
    await page.getByTestId('page-heading').waitFor();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
    expect(violations).toEqual([]);
  });

  it('opens the printable duty log (a blob: tab under the same policy) with no violation', async () => {
    await page.goto(`${server.httpUrl}/reports`);
    await page.getByTestId('reports-view-daily').click();
    const [tab] = await Promise.all([context.waitForEvent('page'), page.getByTestId('daily-print').click()]);
    await tab.waitForLoadState('load');
    await tab.waitForURL(/^blob:/);
    await expect(tab.locator('h1').textContent()).resolves.toContain('值班日志');
    // Its stylesheet applied: an inline <style> blocked by the policy would leave the default font size.
    expect(await tab.evaluate(() => getComputedStyle(document.querySelector('h1') as Element).fontSize)).not.toBe('32px');
    expect(violations).toEqual([]);
  });

  it('the OpenAPI page (/api/docs) renders with no violation', async () => {
    await page.goto(`${server.httpUrl}/api/docs`);
    await page.locator('.swagger-ui').first().waitFor();
    await page.locator('.opblock').first().waitFor();
    expect(violations).toEqual([]);
  });
});
