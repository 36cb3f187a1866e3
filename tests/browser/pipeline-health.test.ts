// Issue 14 point 3: a handler that keeps failing is retried, then the message is recorded and
// the control room is told, on every tab, in its language; /api/health says which handler, how
// many messages and the error.
import { connect } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, deviceUsername, type HealthDto } from '@estate-watch/contracts';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { EquipmentService } from '../../apps/server/src/equipment/equipment.service';
import { testSite } from '../../apps/server/src/sites/sites.testing';
import { startTestServer } from '../support/server';
import { ensureDashboardBuilt, launchChromium, RESULTS } from '../support/browser';

describe('a failing handler on the dashboard', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureDashboardBuilt();
    server = await startTestServer();
    // A bug in the equipment handler: every batch throws.
    const equipment = server.app.get(EquipmentService);
    equipment.applyBatch = () => Promise.reject(new Error('test: equipment handler bug'));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('retries, records the message, and the banner names the handler until someone looks', async () => {
    await page.goto(server.httpUrl);
    await page.getByTestId('login-username').fill('operator');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();

    const site = testSite();
    const sensor = site.sensors[0]!;
    const client = connect(`mqtt://127.0.0.1:${server.mqttPort}`, { username: deviceUsername(site.site.id, sensor.id), password: sensor.secret, reconnectPeriod: 0 });
    await new Promise((r) => client.once('connect', r));
    await client.publishAsync(buildTopic({ site: site.site.id, kind: 'sensor', device: sensor.id, stream: 'telemetry' }), JSON.stringify({ id: 'bug-1', ts: new Date().toISOString(), readings: { temperature_c: 50 } }), { qos: 1 });
    // a status after it, for the devices handler (it takes statuses only)
    await client.publishAsync(buildTopic({ site: site.site.id, kind: 'sensor', device: sensor.id, stream: 'status' }), JSON.stringify({ id: 'ok-1', ts: new Date().toISOString(), online: true }), { qos: 1 });
    client.end(true);

    const issue = page.getByTestId('server-issue').filter({ hasText: '设备运行处理失败 1 条消息' });
    await issue.waitFor();
    await page.screenshot({ path: `${RESULTS}/pipeline-failure-zh.png` });
    const health = (await (await fetch(`${server.httpUrl}/api/health`)).json()) as HealthDto;
    const equipment = health.handlers.find((h) => h.name === 'equipment')!;
    expect(equipment).toMatchObject({ failed: 1, stored: 1, applied: 1, lastError: expect.stringContaining('test: equipment handler bug') });
    expect(equipment.errors).toBeGreaterThanOrEqual(4); // every attempt counted before it gave up
    expect(health.handlers.find((h) => h.name === 'devices')).toMatchObject({ failed: 0, applied: 1 }); // the others carried on
  });
});
