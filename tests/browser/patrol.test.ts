// Issue 4 point: the patrol board in a real Chromium against the real server. The demo estate's two
// routes are scheduled to have started half an hour ago; the server runs on a ManualClock that the
// test moves. Real checkpoints tap over MQTT and the plan and the table turn 准时 without a reload;
// moving the clock past a window turns a checkpoint 漏检, and a tap after its window 迟到.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, parseSiteConfig, type RoundDto, type SiteConfig } from '@estate-watch/contracts';
import { localTimeOf } from '@estate-watch/domain';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { ManualClock } from '../../apps/server/src/common/clock';
import { api, connectDevice, connected, login, startTestServer } from '../support/server';
import { demoYamlIn, ensureDashboardBuilt, launchChromium, RESULTS, zoneWithoutMidnight } from '../support/browser';

const UI_TIMEOUT = 15_000;
const MIN = 60_000;
const CARD = '0DBA449373C7E3'; // G01 张伟 in the demo site file

// R: this minute. 日间外围巡查 starts at R − 30 min, 地库与楼栋巡查 4 min later; tolerance 15 min.
// Every tap's ts stays before real now, so ingest takes it (CONTRACT §1: ≤ 2 min in the future).
const R = Math.floor(Date.now() / MIN) * MIN;
const START = R - 30 * MIN;
const at = (offsetMin: number, sec = 0) => new Date(START + offsetMin * MIN + sec * 1000);
// The demo estate's zone: Shanghai unless its midnight falls between the clock's start (START − 20 min) and the windows' close.
const ZONE = zoneWithoutMidnight(START - 20 * MIN, START + 120 * MIN);
const hhmm = (ms: number) => localTimeOf(new Date(ms), ZONE);

/** The demo estate's two day routes rescheduled to now, once a day. */
function demoStartingNow(): SiteConfig {
  const yaml = demoYamlIn(ZONE);
  const [first, second] = [`schedule: ["${hhmm(START)}"]`, `schedule: ["${hhmm(START + 4 * MIN)}"]`];
  const rescheduled = yaml.replace('schedule: ["09:30", "15:00"]', first).replace('schedule: ["09:30", "15:00"]', second);
  expect(rescheduled).toContain(second);
  const site = parseSiteConfig(rescheduled, 'lakeside-now.yaml');
  // Only the two rescheduled day routes: the hourly fire-lane and lobby checks would add rounds of their own.
  return { ...site, routes: site.routes.filter((r) => r.id !== 'fire-lanes' && r.id !== 'lobby-check') };
}

describe('patrol board in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let site: SiteConfig;
  let roundId: string;
  const clock = new ManualClock(at(-20)); // the site is first seen before either round starts
  const readers = new Map<string, MqttClient>();

  const tap = async (checkpoint: string, ts: Date, id: string) => {
    let reader = readers.get(checkpoint);
    if (!reader) readers.set(checkpoint, (reader = await connected(await connectDevice(server, site, 'checkpoint', checkpoint))));
    const topic = buildTopic({ site: site.site.id, kind: 'checkpoint', device: checkpoint, stream: 'event' });
    await reader.publishAsync(topic, JSON.stringify({ id, ts: ts.toISOString(), type: 'tap', card: CARD }), { qos: 1 });
  };
  const onPlan = (cp: string, state: string) => page.locator(`[data-testid="plan-checkpoint"][data-checkpoint-id="${cp}"][data-state="${state}"]`);
  const inTable = (cp: string, outcome: string) => page.locator(`[data-testid="round-checkpoint"][data-checkpoint-id="${cp}"][data-outcome="${outcome}"]`);

  beforeAll(async () => {
    ensureDashboardBuilt();
    site = demoStartingNow();
    server = await startTestServer({ clock, sites: [site], patrolSweepIntervalMs: 50 });
    const token = (await login(server)).token;
    const { body } = await api<RoundDto[]>(server, token, '/api/patrol/rounds');
    roundId = body.find((r) => r.routeId === 'day-perimeter' && r.start === at(0).toISOString())!.id;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT);
  });

  afterAll(async () => {
    for (const reader of readers.values()) reader.end(true);
    await browser?.close();
    await server?.close();
  });

  it('an operator opens 巡更 and sees today’s rounds, the plan and the walking order', async () => {
    await page.goto(server.httpUrl);
    await page.getByTestId('login-username').fill('operator');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
    await page.getByTestId('nav-patrol').click();
    await expect(page.getByTestId('page-heading').textContent()).resolves.toBe('巡更');

    await page.locator(`[data-testid="round-row"][data-round-id="${roundId}"]`).waitFor();
    expect(await page.getByTestId('round-row').count()).toBe(2);
    // Nothing is settled yet: both rounds' 16 checkpoints are on the plan, waiting.
    expect(await page.locator('[data-testid="plan-checkpoint"][data-state]').count()).toBe(16);
    await page.locator(`[data-testid="round-detail"][data-round-id="${roundId}"]`).waitFor();
    expect(await page.locator('[data-testid="round-checkpoint"][data-outcome="pending"]').count()).toBe(8);
  });

  it('a guard taps the first checkpoints: they turn 准时 on the plan and in the table, live', async () => {
    clock.set(at(1));
    await tap('cp-north-gate', at(1), 'g-1');
    await onPlan('cp-north-gate', 'on_time').waitFor();
    const row = inTable('cp-north-gate', 'on_time');
    await row.waitFor();
    await expect(row.getByTestId('round-outcome').textContent()).resolves.toContain('准时');
    await expect(row.textContent()).resolves.toContain('张伟');

    clock.set(at(3));
    await tap('cp-north-gate', at(2), 'g-2'); // the same checkpoint again: 重复
    await tap('cp-clubhouse', at(3), 'g-3'); // first of the other route
    await row.locator('[data-testid="round-flag"][data-flag="duplicate"]').waitFor();
    await expect(row.getByTestId('round-flag').textContent()).resolves.toBe('重复');
    await onPlan('cp-clubhouse', 'on_time').waitFor();

    clock.set(at(5));
    await tap('cp-sales-centre', at(5), 'g-4');
    await inTable('cp-sales-centre', 'on_time').waitFor();
  });

  it('the clock passes a window with no tap: 漏检 on the plan and in the table', async () => {
    clock.set(at(25, 1)); // cp-show-flat: planned START+10, window closes START+25
    await onPlan('cp-show-flat', 'missed').waitFor();
    const row = inTable('cp-show-flat', 'missed');
    await row.waitFor();
    await expect(row.getByTestId('round-outcome').textContent()).resolves.toContain('漏检');
    await expect(page.locator(`[data-testid="round-row"][data-round-id="${roundId}"]`).textContent()).resolves.toContain('已巡 3/8');
  });

  it('a tap after its window turns the miss into 迟到', async () => {
    clock.set(at(27)); // cp-block-7: planned START+11 on the second route, window closed START+26
    await onPlan('cp-block-7', 'missed').waitFor();
    await tap('cp-block-7', at(27), 'g-5');
    await onPlan('cp-block-7', 'late').waitFor();

    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: resolve(RESULTS, 'dashboard-patrol.png') });
  });

  it('picking a round shows only it; the current rounds come back with one click', async () => {
    const other = page.locator('[data-testid="round-row"]').filter({ hasNotText: '日间外围巡查' });
    await other.click();
    await page.locator('[data-testid="round-detail"]').filter({ hasText: '地库与楼栋巡查' }).waitFor();
    expect(await onPlan('cp-north-gate', 'on_time').count()).toBe(0); // not in the picked round: drawn plain
    await inTable('cp-block-7', 'late').waitFor();
    await page.getByTestId('patrol-show-current').click();
    await onPlan('cp-north-gate', 'on_time').waitFor();
    // A checkpoint on the plan leads to its round's table.
    await onPlan('cp-block-7', 'late').click();
    await page.locator('[data-testid="round-detail"]').filter({ hasText: '地库与楼栋巡查' }).waitFor();
  });
});
