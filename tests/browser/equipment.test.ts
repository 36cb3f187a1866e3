// Issue 5 point 6 (equipment): the 设备运行 view in a real Chromium against the real server on the
// demo estate. Real MQTT sensors publish 40 minutes of readings (device ts, CONTRACT §1), the view
// shows the live values and charts them from GET /api/telemetry; a new reading moves the value and
// the chart without a reload; the boiler over its max turns 待确认 (forSec 60 not over), then 告警.
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, parseSiteConfig, type SiteConfig } from '@estate-watch/contracts';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { connectDevice, connected, startTestServer } from '../support/server';
import { DEMO_FILE, ensureDashboardBuilt, launchChromium, RESULTS } from '../support/browser';

const UI_TIMEOUT = 15_000;
const SEC = 1000;
const MIN = 60 * SEC;

// Readings end 3 minutes before real now, so every later ts stays in the past (ingest takes up to 2 min ahead).
const NOW = Date.now();
const HISTORY_START = NOW - 43 * MIN;
const HISTORY_END = NOW - 3 * MIN;

/** A calm boiler: 62–68 °C in a slow swing, pressure about 0.45 MPa. */
const boilerAt = (t: number) => {
  const phase = (t - HISTORY_START) / (12 * MIN);
  return { temperature_c: Math.round((65 + 3 * Math.sin(phase * 2 * Math.PI)) * 10) / 10, pressure_mpa: Math.round((0.45 + 0.02 * Math.cos(phase * 4)) * 1000) / 1000, burner_on: Math.sin(phase * 2 * Math.PI) < 0 };
};

describe('equipment view in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let site: SiteConfig;
  const sensors = new Map<string, MqttClient>();
  let n = 0;

  const send = async (sensorId: string, stream: 'telemetry' | 'event', ts: number, body: Record<string, unknown>) => {
    let client = sensors.get(sensorId);
    if (!client) sensors.set(sensorId, (client = await connected(await connectDevice(server, site, 'sensor', sensorId))));
    const topic = buildTopic({ site: site.site.id, kind: 'sensor', device: sensorId, stream });
    await client.publishAsync(topic, JSON.stringify({ id: `eq-${++n}`, ts: new Date(ts).toISOString(), ...body }), { qos: 1 });
  };
  const publish = (sensorId: string, ts: number, readings: Record<string, number | boolean>) => send(sensorId, 'telemetry', ts, { readings });
  const row = (id: string) => page.locator(`[data-testid="sensor-row"][data-sensor-id="${id}"]`);
  const metric = (name: string) => page.locator(`[data-testid="sensor-detail"] [data-testid="metric-row"][data-metric="${name}"]`);

  beforeAll(async () => {
    ensureDashboardBuilt();
    site = parseSiteConfig(readFileSync(DEMO_FILE, 'utf8'), DEMO_FILE);
    server = await startTestServer({ sites: [site] });
    // 40 virtual minutes of device time: the boiler every 20 s, the sump and the pumps every minute.
    for (let t = HISTORY_START; t <= HISTORY_END; t += 20 * SEC) await publish('boiler-1', t, boilerAt(t));
    for (let t = HISTORY_START; t <= HISTORY_END; t += MIN) {
      const i = (t - HISTORY_START) / MIN;
      await publish('leak-garage-b1', t, { leak: i >= 20 && i < 23, water_level_cm: 18 + (i % 10) });
      await publish('pump-domestic', t, { outlet_pressure_mpa: 0.42 + (i % 5) / 100, motor_temp_c: 51 + (i % 7) / 2, running: true });
    }
    await publish('boiler-2', NOW - 30 * MIN, { temperature_c: 63.1, pressure_mpa: 0.44 }); // then silent: stale in the list
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT);
  });

  afterAll(async () => {
    for (const client of sensors.values()) client.end(true);
    await browser?.close();
    await server?.close();
  });

  it('an operator opens 设备运行 and sees every sensor with its state and last values', async () => {
    await page.goto(server.httpUrl);
    await page.getByTestId('login-username').fill('operator');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
    await page.getByTestId('nav-equipment').click();
    await expect(page.getByTestId('page-heading').textContent()).resolves.toBe('设备运行');

    expect(await page.getByTestId('sensor-row').count()).toBe(site.sensors.length);
    const last = boilerAt(HISTORY_END);
    await expect(row('boiler-1').locator('[data-testid="sensor-value"][data-metric="temperature_c"]').textContent()).resolves.toContain(`${last.temperature_c.toFixed(1)}°C`);
    await expect(row('boiler-1').locator('[data-testid="sensor-value"][data-metric="pressure_mpa"]').textContent()).resolves.toContain(`${last.pressure_mpa.toFixed(2)} MPa`);
    await expect(row('boiler-1').getAttribute('data-state')).resolves.toBe('ok');
    await expect(row('leak-garage-b1').locator('[data-testid="sensor-value"][data-metric="leak"]').textContent()).resolves.toContain('无漏水');
    // Half an hour without a reading is marked; a sensor that never sent one is 无读数, not 正常.
    // 30 minutes at the reading's publish, more if the setup above took minutes on a loaded machine.
    const stale = (await row('boiler-2').getByTestId('sensor-stale').textContent()) ?? '';
    const minutes = Number(/读数停在(\d+)分钟前/.exec(stale)?.[1]);
    expect(minutes, stale).toBeGreaterThanOrEqual(30);
    expect(minutes, stale).toBeLessThanOrEqual(Math.ceil((Date.now() - (NOW - 30 * MIN)) / MIN));
    expect(await row('boiler-1').getByTestId('sensor-stale').count()).toBe(0);
    await expect(row('elevator-b3-1').getAttribute('data-state')).resolves.toBe('silent');
  });

  it('the boiler’s detail charts its history with the limits: 1 h in 10 s buckets', async () => {
    await row('boiler-1').click();
    await page.waitForURL(/\/equipment\/boiler-1$/);
    await page.locator('[data-testid="sensor-detail"][data-sensor-id="boiler-1"]').waitFor();
    // 40 minutes of readings every 20 s, one per 10 s bucket: 121 points.
    await metric('temperature_c').locator('[data-testid="history-chart"][data-points="121"]').waitFor();
    await metric('pressure_mpa').locator('[data-testid="history-chart"][data-points="121"]').waitFor();
    expect(await metric('temperature_c').locator('[data-testid="chart-line"]').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){120}$/);
    await expect(metric('temperature_c').getByTestId('limit-gauge').getAttribute('data-zone')).resolves.toBe('in');
    await expect(metric('temperature_c').textContent()).resolves.toContain('下限 45 · 上限 85 · 回差 2 · 持续 60 秒');
  });

  it('a new reading moves the value and extends the chart without a reload', async () => {
    await publish('boiler-1', NOW - 150 * SEC, { temperature_c: 72.4, pressure_mpa: 0.46 });
    await page.waitForFunction(() => document.querySelector('[data-metric="temperature_c"] [data-testid="metric-value"]')?.textContent === '72.4°C');
    await metric('temperature_c').locator('[data-testid="history-chart"][data-points="122"]').waitFor();
    await expect(row('boiler-1').locator('[data-testid="sensor-value"][data-metric="temperature_c"]').textContent()).resolves.toContain('72.4°C');
  });

  it('over max the boiler turns 待确认 while forSec runs, then 告警 once it is over', async () => {
    await publish('boiler-1', NOW - 120 * SEC, { temperature_c: 88.6, pressure_mpa: 0.47 });
    await row('boiler-1').and(page.locator('[data-state="pending"]')).waitFor();
    await metric('temperature_c').and(page.locator('[data-limit-state="pending"]')).waitFor();
    await expect(metric('temperature_c').getByTestId('limit-gauge').getAttribute('data-zone')).resolves.toBe('high');
    await expect(page.getByTestId('sensor-detail-state').textContent()).resolves.toContain('待确认');

    // 65 s of device time later, still over: the forSec window (60 s) is over.
    await publish('boiler-1', NOW - 55 * SEC, { temperature_c: 91.2, pressure_mpa: 0.48 });
    await row('boiler-1').and(page.locator('[data-state="alarm"]')).waitFor();
    await metric('temperature_c').and(page.locator('[data-limit-state="raised"]')).waitFor();
    await expect(page.getByTestId('sensor-detail-state').textContent()).resolves.toContain('告警');
    // The list puts the sensor in alarm first.
    await expect(page.getByTestId('sensor-row').first().getAttribute('data-sensor-id')).resolves.toBe('boiler-1');

    // A pump reports a fault code: 故障, listed right after the boiler in alarm.
    await send('pump-domestic', 'event', NOW - 50 * SEC, { type: 'fault', code: 'E21', text: '变频器过流' });
    await row('pump-domestic').and(page.locator('[data-state="fault"]')).waitFor();
    await expect(page.getByTestId('sensor-row').nth(1).getAttribute('data-sensor-id')).resolves.toBe('pump-domestic');

    // Hovering the chart reads the nearest bucket out; the part over max is drawn again in red.
    // At the red part's last reading: a fixed offset from the chart's right edge can fall past the
    // newest bucket when the setup took minutes (the range ends at now, the readings do not).
    const over = metric('temperature_c').locator('path.line.out');
    await over.scrollIntoViewIfNeeded(); // the critical-alert banner (the leak) pushes the detail down
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
    await expect(metric('temperature_c').getByTestId('chart-hover').textContent()).resolves.toMatch(/\d\d:\d\d:\d\d\s+\d+\.\d°C/);
    expect(await metric('temperature_c').locator('path.line.out').count()).toBe(1);

    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: resolve(RESULTS, 'equipment.png') });
    await page.mouse.move(0, 0);
  });

  it('↓ walks the list to the pump, whose detail shows the open fault code', async () => {
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(/\/equipment\/pump-domestic$/);
    await expect(page.locator('[data-testid="sensor-detail"][data-sensor-id="pump-domestic"] [data-testid="sensor-fault"]').textContent()).resolves.toBe('E21');
    await expect(page.getByTestId('sensor-detail-state').textContent()).resolves.toContain('故障');
    await page.keyboard.press('ArrowUp');
    await page.waitForURL(/\/equipment\/boiler-1$/);
  });

  it('another range reloads the charts in coarser buckets; a leak sensor charts a step line', async () => {
    await page.getByTestId('range-6h').click();
    // 6 h in 1-minute buckets: the 40 minutes of readings (plus the three live ones) in 41–46 buckets.
    await page.waitForFunction(() => {
      const n = Number(document.querySelector('[data-metric="temperature_c"] [data-testid="history-chart"]')?.getAttribute('data-points'));
      return n >= 41 && n <= 46;
    });
    await row('leak-garage-b1').click();
    await metric('leak').locator('[data-testid="history-chart"][data-points="41"]').waitFor();
    expect(await metric('leak').locator('[data-testid="chart-line"]').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+(H[\d.]+V[\d.]+)+H[\d.]+$/);
    await page.screenshot({ path: resolve(RESULTS, 'equipment-leak.png') });

    // 7 days in 20-minute buckets: the 40 minutes of readings are two or three of them.
    await page.getByTestId('range-7d').click();
    await page.waitForFunction(() => {
      const n = Number(document.querySelector('[data-metric="water_level_cm"] [data-testid="history-chart"]')?.getAttribute('data-points'));
      return n >= 2 && n <= 3;
    });
    await page.screenshot({ path: resolve(RESULTS, 'equipment-7d.png') });
    await page.getByTestId('range-1h').click();
  });

  it('in English the view and the top bar (nine tabs for a supervisor) still fit at 1600 px', async () => {
    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="page-heading"]')?.textContent === 'Equipment');
    await expect(row('boiler-1').getByTestId('sensor-state').textContent()).resolves.toContain('Alarm');
    // A supervisor also has 报表 (Reports): the longest top bar there is.
    await page.getByTestId('user-menu').click(); // Sign out lives in the user menu (issue 12.1)
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').fill('supervisor');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-reports').waitFor();
    await page.getByTestId('nav-equipment').click();
    await row('boiler-1').waitFor();
    const overflow = await page.evaluate(() => {
      const bar = document.querySelector('header.topbar') as HTMLElement;
      return bar.scrollWidth - bar.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: resolve(RESULTS, 'equipment-en.png') });
    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="page-heading"]')?.textContent === '设备运行');
  });
});
