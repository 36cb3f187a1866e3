// Issue 12 point 6: the estate on one screen in a real Chromium. The demo site file names its plan
// (an SVG beside it) and places every device; a gate reports a barrier fault over MQTT and, without a
// reload, its marker turns to alert and pulses on the plan, a click shows the alert, and the side list
// shows it among what needs a person now.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, type SiteConfig, type SiteDto } from '@estate-watch/contracts';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { loadSiteFiles } from '../../apps/server/src/sites/load-site-files';
import { api, connectDevice, connected, login, startTestServer } from '../support/server';
import { DEMO_FILE, ensureDashboardBuilt, launchChromium, RESULTS } from '../support/browser';

describe('overview in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let site: SiteConfig;
  let gate: MqttClient;

  beforeAll(async () => {
    ensureDashboardBuilt();
    mkdirSync(RESULTS, { recursive: true });
    site = loadSiteFiles(DEMO_FILE)[0]!.config;
    server = await startTestServer({ sites: [site] });
    gate = await connected(await connectDevice(server, site, 'gate', 'gate-garage-in'));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    gate?.end(true);
    await browser?.close();
    await server?.close();
  });

  it('serves the plan the site file names and lists every device with its place', async () => {
    const token = (await login(server)).token;
    const [dto] = (await api<SiteDto[]>(server, token, '/api/sites')).body;
    expect(dto!.plan).toEqual({ url: '/api/sites/lakeside/plan', width: 1000, height: 700 });
    const placed = dto!.places!.filter((p) => p.x !== undefined && p.y !== undefined);
    expect(placed).toHaveLength(dto!.places!.length);
    expect(new Set(placed.map((p) => p.kind))).toEqual(new Set(['checkpoint', 'gate', 'dispenser', 'sensor']));
    const res = await fetch(`${server.httpUrl}${dto!.plan!.url}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(await res.text()).toContain('viewBox="0 0 1000 700"');
    expect((await fetch(`${server.httpUrl}${dto!.plan!.url}`)).status).toBe(401);
  });

  it('shows a gate fault on the plan at once, pulsing until acknowledged, with its detail and in the side list', async () => {
    await page.goto(`${server.httpUrl}/overview`);
    await page.getByTestId('login-username').fill('operator');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('overview-page').waitFor();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
    const markers = page.getByTestId('overview-marker');
    await expect.poll(() => markers.count()).toBe(41);
    // Devices that have sent nothing yet are a quiet grey "no data yet", never red "offline".
    await expect.poll(() => page.locator('[data-testid="overview-marker"][data-state="unknown"]').count()).toBeGreaterThan(30);
    expect(await page.locator('[data-testid="overview-marker"][data-state="offline"]').count()).toBe(0);
    const quiet = await page.locator('[data-testid="overview-marker"][data-device-id="gate-ground-in"] path').evaluate((el) => getComputedStyle(el).strokeDasharray);
    expect(quiet).toBe('none');
    await page.getByTestId('needs-alerts').filter({ hasText: '没有未确认的告警' }).waitFor();
    await page.getByTestId('overview-plan-image').waitFor({ state: 'attached' });

    const topic = buildTopic({ site: 'lakeside', kind: 'gate', device: 'gate-garage-in', stream: 'telemetry' });
    await gate.publishAsync(topic, JSON.stringify({ id: 'fault-1', ts: new Date().toISOString(), barrier: 'fault', fault: 'E-MOTOR' }), { qos: 1 });
    const marker = page.locator('[data-testid="overview-marker"][data-device-id="gate-garage-in"][data-state="alert"][data-pulse="true"]');
    await marker.waitFor();
    await page.getByTestId('needs-alert').first().waitFor();
    await page.screenshot({ path: resolve(RESULTS, 'overview.png') });
    await marker.click();
    await page.getByTestId('overview-detail').filter({ hasText: '地库入口' }).waitFor();
    await page.getByTestId('overview-detail-alert').first().waitFor();
    await page.screenshot({ path: resolve(RESULTS, 'overview-detail.png') });
  });

  it('at 1366 × 768, in Chinese and in English, the plan reads calm: grey for no data yet, colour only for alerts', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    for (const [lang, word] of [['zh-CN', '尚无数据'], ['en', 'No data yet']] as const) {
      await page.evaluate((l) => localStorage.setItem('estate-watch.locale', l), lang);
      await page.reload();
      await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
      await page.getByTestId('overview-page').waitFor();
      await page.locator('.legend li.st-unknown').filter({ hasText: word }).waitFor();
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: resolve(RESULTS, `overview-${lang}-1366.png`) });
    }
  });
});
