// Issue 12 point 8: the guards' phone page in a real Chromium at a phone's size (390 × 844). The
// demo estate's day perimeter round is rescheduled to have started 5 minutes ago; G01 (张伟, the
// demo's `guard` account) taps its first checkpoint over MQTT, signs in on the phone, sees the next
// checkpoint with the time left in its window, and reports a finding with a photo; a control room in
// another browser context sees the inspection order arrive live, photo included.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, parseSiteConfig, type GuardTodayDto, type SiteConfig, type WorkOrderDto } from '@estate-watch/contracts';
import { localTimeOf } from '@estate-watch/domain';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { api, connectDevice, connected, eventually, login, startTestServer } from '../support/server';
import { demoYamlIn, ensureDashboardBuilt, launchChromium, RESULTS, zoneWithoutMidnight } from '../support/browser';

const UI_TIMEOUT = 15_000;
const MIN = 60_000;
const CARD = '0DBA449373C7E3'; // G01 张伟 in the demo site file
const START = Math.floor(Date.now() / MIN) * MIN - 5 * MIN;
// The demo estate's zone is Shanghai unless its midnight falls between START and two hours later.
const ZONE = zoneWithoutMidnight(START, START + 120 * MIN);
// A 1 × 1 PNG, as a phone camera's file would arrive (type read from its bytes by the server).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** The demo estate with only its day perimeter route, started 5 minutes ago (tolerance 15 min). */
function perimeterStartedNow(): SiteConfig {
  const yaml = demoYamlIn(ZONE).replace('schedule: ["09:30", "15:00"]', `schedule: ["${localTimeOf(new Date(START), ZONE)}"]`);
  const site = parseSiteConfig(yaml, 'lakeside-now.yaml');
  return { ...site, routes: site.routes.filter((r) => r.id === 'day-perimeter') };
}

describe('guards’ phone page in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: BrowserContext;
  let desk: BrowserContext;
  let page: Page;
  let room: Page;
  let site: SiteConfig;
  let reader: MqttClient;

  beforeAll(async () => {
    ensureDashboardBuilt();
    mkdirSync(RESULTS, { recursive: true });
    site = perimeterStartedNow();
    server = await startTestServer({ sites: [site] });
    reader = await connected(await connectDevice(server, site, 'checkpoint', 'cp-north-gate'));
    const topic = buildTopic({ site: site.site.id, kind: 'checkpoint', device: 'cp-north-gate', stream: 'event' });
    await reader.publishAsync(topic, JSON.stringify({ id: 'tap-1', ts: new Date(START + 30_000).toISOString(), type: 'tap', card: CARD }), { qos: 1 });
    const guard = (await login(server, 'guard')).token;
    await eventually(
      () => api<GuardTodayDto>(server, guard, '/api/guard/today'),
      (r) => r.body.taps?.length === 1,
    );
    browser = await launchChromium();
    phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    desk = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    page = await phone.newPage();
    room = await desk.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    room.setDefaultTimeout(UI_TIMEOUT);
  });

  afterAll(async () => {
    reader?.end(true);
    await browser?.close();
    await server?.close();
  });

  it('keeps guards to their own API: the control room’s calls answer 403, and the guard call answers 403 to staff', async () => {
    const guard = (await login(server, 'guard')).token;
    const operator = (await login(server, 'operator')).token;
    expect((await api(server, guard, '/api/alerts')).status).toBe(403);
    expect((await api(server, guard, '/api/work-orders')).status).toBe(403);
    expect((await api(server, operator, '/api/guard/today')).status).toBe(403);
    const me = await api<GuardTodayDto>(server, guard, '/api/guard/today');
    expect(me.body.guard).toEqual({ siteId: 'lakeside', id: 'G01', name: '张伟' });
    expect(me.body.next).toMatchObject({ checkpointId: 'cp-sales-centre', position: 2, of: 8 });
  });

  it('refuses a finding whose photo is not an image, naming what to fix', async () => {
    const guard = (await login(server, 'guard')).token;
    const form = new FormData();
    form.set('text', '门禁坏了');
    form.set('category', 'facility');
    form.set('checkpointId', 'cp-north-gate');
    form.append('photos', new Blob([Buffer.from('#!/bin/sh\necho hi\n')], { type: 'image/jpeg' }), 'evil.jpg');
    const res = await fetch(`${server.httpUrl}/api/guard/findings`, { method: 'POST', headers: { authorization: `Bearer ${guard}` }, body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/photos\[0\] \(evil\.jpg\): not a JPEG, PNG or WebP image/);
  });

  it('a guard signs in on a phone and sees the next checkpoint, its time left and the tap, with nothing wider than the screen', async () => {
    await room.goto(`${server.httpUrl}/work-orders`);
    await room.getByTestId('login-username').fill('operator');
    await room.getByTestId('login-password').fill('demo');
    await room.getByTestId('login-submit').click();
    await room.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();

    await page.goto(server.httpUrl);
    await page.getByTestId('login-username').fill('guard');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('guard-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/guard');
    await expect(page.getByTestId('guard-next-name').textContent()).resolves.toBe('售楼处大门');
    await page.getByTestId('guard-next-left').filter({ hasText: /还剩 \d\d:\d\d/ }).waitFor();
    await page.getByTestId('guard-tap').filter({ hasText: '北门岗亭' }).filter({ hasText: '准时' }).waitFor();
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const report = await page.getByTestId('guard-report').boundingBox();
    expect(report!.height).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: resolve(RESULTS, 'guard-phone.png'), fullPage: true });
    // A control-room page is not for a guard: it goes back to the phone page.
    await page.goto(`${server.httpUrl}/alerts`);
    await page.getByTestId('guard-page').waitFor();
  });

  it('reports a finding with a photo; the control room sees the inspection order at once, with the photo', async () => {
    await page.getByTestId('guard-report').click();
    await page.getByTestId('finding-form').waitFor();
    await page.getByTestId('finding-checkpoint').selectOption('cp-north-gate');
    await page.getByTestId('finding-category-facility').check();
    await page.getByTestId('finding-text').fill('北门岗亭道闸旁的路灯不亮，晚上看不清车牌');
    const input = page.getByTestId('finding-photos');
    await expect(input.getAttribute('accept')).resolves.toBe('image/*');
    await expect(input.getAttribute('capture')).resolves.toBe('environment');
    await input.setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('finding-photo-count').filter({ hasText: '1' }).waitFor();
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await page.screenshot({ path: resolve(RESULTS, 'guard-finding.png') });
    await page.getByTestId('finding-submit').click();
    const sent = await page.getByTestId('finding-sent').textContent();
    expect(sent).toMatch(/工单 WO-\d{8}-\d{4} 已转给 工程部/);

    // The control room never reloaded: the order arrived over its live socket.
    const card = room.locator('[data-testid="wo-card"]').filter({ hasText: '巡更发现' });
    await card.waitFor();
    await card.click();
    await room.getByTestId('wo-photo').waitFor();
    const operator = (await login(server, 'operator')).token;
    const orders = await api<WorkOrderDto[]>(server, operator, '/api/work-orders?source=inspection');
    expect(orders.body).toHaveLength(1);
    expect(orders.body[0]).toMatchObject({ source: 'inspection', department: 'engineering', createdBy: 'guard', status: 'new' });
    expect(orders.body[0]!.description).toContain('张伟（G01）在 北门岗亭');
    const photo = await room.evaluate(async (src) => {
      const res = await fetch(src);
      return { type: res.headers.get('content-type'), bytes: (await res.arrayBuffer()).byteLength };
    }, (await room.getByTestId('wo-photo').getAttribute('src'))!);
    expect(photo).toEqual({ type: 'image/png', bytes: PNG.length });
    await room.screenshot({ path: resolve(RESULTS, 'guard-finding-control-room.png') });
  });
});
