// Issue 2 point 11: the built dashboard in a real Chromium against the real server.
// A device publishes over MQTT, the alert appears live without a reload, the operator
// acknowledges it in the page, and the API agrees.
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, deviceUsername, parseSiteConfig, type AlertDto, type LoginResponse, type SiteConfig } from '@estate-watch/contracts';
import { startServer, type RunningServer } from '../../apps/server/src/bootstrap';
import { DEMO_FILE, ensureDashboardBuilt, launchChromium, RESULTS } from '../support/browser';

const UI_TIMEOUT = 15_000;

async function apiLogin(server: RunningServer): Promise<string> {
  const res = await fetch(`${server.httpUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'operator', password: 'demo' }),
  });
  expect(res.ok).toBe(true);
  return ((await res.json()) as LoginResponse).token;
}

describe('dashboard in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let device: MqttClient | undefined;
  let site: SiteConfig;

  beforeAll(async () => {
    ensureDashboardBuilt();
    site = parseSiteConfig(readFileSync(DEMO_FILE, 'utf8'), DEMO_FILE);
    server = await startServer({
      source: {},
      env: { httpPort: 0, mqttPort: 0, dataDir: undefined, demo: true, simulator: false, logLevel: 'warn' },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT);
  });

  afterAll(async () => {
    device?.end(true);
    await browser?.close();
    await server?.close();
  });

  it('an operator signs in and sees the live connection', async () => {
    await page.goto(server.httpUrl);
    await page.getByTestId('login-username').fill('operator');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
    expect(page.url()).toMatch(/\/alerts$/);
    await expect(page.getByTestId('page-heading').textContent()).resolves.toBe('告警');
  });

  it('a device with a skewed clock raises an alert that appears without a reload', async () => {
    const gate = site.gates[0]!;
    const topic = buildTopic({ site: site.site.id, kind: 'gate', device: gate.id, stream: 'status' });
    device = connect(`mqtt://127.0.0.1:${server.mqttPort}`, {
      clientId: `smoke-${gate.id}`,
      username: deviceUsername(site.site.id, gate.id),
      password: gate.secret,
      reconnectPeriod: 0,
      will: { topic, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    await new Promise<void>((ok, fail) => {
      device!.once('connect', () => ok());
      device!.once('error', fail);
    });
    // CONTRACT §4: a status ts more than 120 s from receive time raises device.clock_skew.
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
    await device.publishAsync(topic, JSON.stringify({ id: 'smoke-status-1', ts: tenMinutesAgo, online: true }), { qos: 1, retain: true });

    const row = page.locator(`[data-testid="alert-row"][data-alert-type="device.clock_skew"][data-subject="${gate.id}"]`);
    await row.waitFor();
    await expect(row.getByTestId('alert-status').textContent()).resolves.toBe('待处理');
    // An info alert is listed quietly: toasts and the chime are for new major/critical alerts only.
    expect(await page.getByTestId('toast').count()).toBe(0);
  });

  it('the operator acknowledges it with a note, and the API records who did', async () => {
    const gate = site.gates[0]!;
    const row = page.locator(`[data-testid="alert-row"][data-alert-type="device.clock_skew"][data-subject="${gate.id}"]`);
    const alertId = await row.getAttribute('data-alert-id');
    await row.click();
    await page.getByTestId('alert-ack-note').fill('已通知工程部校时');
    await page.getByTestId('alert-ack').click();
    await page.locator(`[data-testid="alert-row"][data-alert-id="${alertId}"][data-status="acknowledged"]`).waitFor();

    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: resolve(RESULTS, 'dashboard-alerts.png') });

    const token = await apiLogin(server);
    const res = await fetch(`${server.httpUrl}/api/alerts?type=device.clock_skew`, { headers: { authorization: `Bearer ${token}` } });
    const alert = ((await res.json()) as AlertDto[]).find((a) => a.id === alertId);
    expect(alert).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'operator', ackNote: '已通知工程部校时' });
  });

  it('a device that drops off raises a major alert with one toast, live', async () => {
    const gate = site.gates[0]!;
    // Losing the TCP connection fires the retained last will (CONTRACT §1) → device.offline, major.
    (device as unknown as { stream: { destroy(): void } }).stream.destroy();
    const row = page.locator(`[data-testid="alert-row"][data-alert-type="device.offline"][data-subject="${gate.id}"]`);
    await row.waitFor();
    await page.getByTestId('toast').waitFor();
    expect(await page.getByTestId('toast').count()).toBe(1);
    // The tab title counts open critical alerts only (STYLE), so a major one leaves it bare.
    expect(await page.title()).toBe('Estate Watch');
    await page.screenshot({ path: resolve(RESULTS, 'dashboard-alerts-live.png') });
  });

  it('switching to English changes the headings and survives a reload', async () => {
    const heading = page.getByTestId('page-heading');
    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="page-heading"]')?.textContent === 'Alerts');
    await page.reload();
    await expect(heading.textContent()).resolves.toBe('Alerts');
    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="page-heading"]')?.textContent === '告警');
  });
});
