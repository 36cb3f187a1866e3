// Issue 8 points 6, 7 and 9 in a real Chromium: the session is an httpOnly cookie page scripts
// cannot read, it survives a reload, the live link rides on it, a removed user is sent back to
// the login page, and admins read the audit log in their own tab.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginResponse } from '@estate-watch/contracts';
import { startServer, type RunningServer } from '../../apps/server/src/bootstrap';
import { ensureDashboardBuilt, launchChromium, RESULTS } from '../support/browser';

const UI_TIMEOUT = 15_000;

describe('dashboard session and audit tab in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  async function apiAs(username: string, path: string, init: RequestInit = {}): Promise<Response> {
    const login = await fetch(`${server.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo' }),
    });
    const { token } = (await login.json()) as LoginResponse;
    return fetch(`${server.httpUrl}${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
  }

  async function signIn(p: Page, username: string, password = 'demo'): Promise<void> {
    await p.goto(server.httpUrl);
    await p.getByTestId('login-username').fill(username);
    await p.getByTestId('login-password').fill(password);
    await p.getByTestId('login-submit').click();
    await p.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
  }

  beforeAll(async () => {
    ensureDashboardBuilt();
    server = await startServer({ source: {}, env: { httpPort: 0, mqttPort: 0, dataDir: undefined, demo: true, simulator: false, logLevel: 'warn' } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in with a cookie page scripts cannot read; nothing of the token in localStorage', async () => {
    await signIn(page, 'admin');
    const seen = await page.evaluate(() => ({ cookie: document.cookie, storage: JSON.stringify({ ...localStorage }) }));
    expect(seen.cookie).toMatch(/ew_csrf=/);
    expect(seen.cookie).not.toMatch(/ew_session/);
    expect(seen.storage).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no JWT anywhere
    const session = (await context.cookies()).find((c) => c.name === 'ew_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('a reload mid-shift keeps the session, and the live link signs in from the cookie again', async () => {
    await page.reload();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
    expect(page.url()).toMatch(/\/alerts$/);
  });

  it('the admin opens the audit tab and finds their own sign-in, then filters by action', async () => {
    await page.getByTestId('user-menu').click(); // the admin area is in the user menu
    await page.getByTestId('nav-audit').click();
    await expect(page.getByTestId('page-heading').textContent()).resolves.toBe('审计日志');
    await page.locator('[data-testid="audit-row"][data-action="auth.login"]').first().waitFor();
    await page.getByTestId('audit-action').selectOption('config.loaded');
    await page.getByTestId('audit-apply').click();
    // The unfiltered list already held config.loaded rows: wait for the filtered answer to replace
    // it (the sign-in rows go), not for a row that was there before (CI caught that race once).
    await page.locator('[data-testid="audit-row"][data-action="auth.login"]').first().waitFor({ state: 'detached' });
    await page.locator('[data-testid="audit-row"][data-action="config.loaded"]').first().waitFor();
    await expect(page.locator('[data-testid="audit-row"][data-action="auth.login"]').count()).resolves.toBe(0);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: resolve(RESULTS, 'audit-tab.png') });
  });

  it('an operator has no audit tab, and /audit sends them to the alerts', async () => {
    const other = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    other.setDefaultTimeout(UI_TIMEOUT);
    await signIn(other, 'operator');
    await other.getByTestId('user-menu').click(); // an operator's menu has no admin area
    await other.getByTestId('user-menu-panel').waitFor();
    await expect(other.getByTestId('nav-audit').count()).resolves.toBe(0);
    await other.goto(`${server.httpUrl}/audit`);
    await other.waitForURL(/\/alerts$/);
    await other.close();
  });

  it('a user removed by an admin is sent back to the login page, which says why', async () => {
    const created = await apiAs('admin', '/api/users', { method: 'POST', body: JSON.stringify({ username: 'temp-op', password: 'temp-op-pass', role: 'operator' }) });
    expect(created.status).toBe(201);
    const other = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    other.setDefaultTimeout(UI_TIMEOUT);
    await signIn(other, 'temp-op', 'temp-op-pass');
    expect((await apiAs('admin', '/api/users/temp-op', { method: 'DELETE' })).status).toBe(200);
    await other.waitForURL(/\/login/);
    await expect(other.locator('.notice').textContent()).resolves.toBe('登录已过期，请重新登录');
    await other.close();
  });

  it('signing out ends the cookie session: a reload lands on the login page', async () => {
    await page.getByTestId('user-menu').click(); // Sign out lives in the user menu (issue 12.1)
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await page.reload();
    await page.getByTestId('login-username').waitFor();
    expect((await context.cookies()).find((c) => c.name === 'ew_session')).toBeUndefined();
  });
});
