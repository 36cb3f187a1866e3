// Issue 3 point 6: the work-order board in a real Chromium against the real server. An
// operator logs a phone complaint with the keyboard only, sees it on the board, takes it
// through dispatch → accept → start → resolve → callback → close with the buttons, and the
// API's timeline records every step by them. Orders made elsewhere and an escalation arrive live.
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTopic,
  deviceUsername,
  parseSiteConfig,
  type AlertDto,
  type CreateWorkOrderBody,
  type LoginResponse,
  type WorkOrderDto,
  type WorkOrderEventBody,
} from '@estate-watch/contracts';
import { startServer, type RunningServer } from '../../apps/server/src/bootstrap';
import type { Clock } from '../../apps/server/src/common/clock';
import { DEMO_FILE, ensureDashboardBuilt, launchChromium, RESULTS } from '../support/browser';

const UI_TIMEOUT = 15_000;
const MIN = 60_000;

/** Real time shifted by an offset the test sets: orders can be made "minutes ago" so deadlines pass now. */
class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

describe('work orders in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let token: string;
  const clock = new ShiftedClock();
  let orderId: string;
  let orderNumber: string;

  async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${server.httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`).toBe(true);
    return (await res.json()) as T;
  }
  const create = (body: CreateWorkOrderBody) => api<WorkOrderDto>('POST', '/api/work-orders', body);
  const act = (id: string, body: WorkOrderEventBody) => api<WorkOrderDto>('POST', `/api/work-orders/${id}/events`, body);
  const detail = () => page.getByTestId('wo-detail');
  const waitStatus = (status: string) => page.locator(`[data-testid="wo-detail"][data-order-id="${orderId}"][data-status="${status}"]`).waitFor();

  beforeAll(async () => {
    ensureDashboardBuilt();
    server = await startServer({
      source: {},
      clock,
      deadlineSweepIntervalMs: 500,
      env: { httpPort: 0, mqttPort: 0, dataDir: undefined, demo: true, simulator: false, logLevel: 'warn' },
    });
    const login = await fetch(`${server.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'supervisor', password: 'demo' }),
    });
    token = ((await login.json()) as LoginResponse).token;
    await seedBoard();
    browser = await launchChromium();
    // A common control-room monitor.
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.setDefaultTimeout(UI_TIMEOUT);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A board as a shift sees it: orders of every department in several states, one nearly due. */
  async function seedBoard(): Promise<void> {
    const resident = (name: string, room: string) => ({ reporter: { name, room, phone: '139 0000 1234' }, channel: 'phone' as const });
    await create({ source: 'complaint', title: '楼上噪音扰民', description: '深夜装修噪音', department: 'security', ...resident('王先生', '5-2-1101') });
    const dirty = await create({ source: 'inspection', title: '2号楼大堂地面污渍', description: '巡检发现大堂入口地面有油污', department: 'cleaning' });
    await act(dirty.id, { action: 'dispatch', department: 'cleaning', assignee: '刘阿姨' });
    const light = await create({ source: 'inspection', title: '地下车库B1照明损坏', description: 'B1 区 3 盏灯不亮', department: 'engineering', priority: 'high' });
    await act(light.id, { action: 'dispatch', department: 'engineering', assignee: '赵师傅' });
    await act(light.id, { action: 'accept' });
    await act(light.id, { action: 'start' });
    const lift = await create({ source: 'complaint', title: '电梯运行异响', description: '3号楼电梯上下行有异响', department: 'engineering', priority: 'high', ...resident('陈女士', '3-1-1802') });
    for (const a of ['accept', 'resolve'] as const) {
      if (a === 'accept') await act(lift.id, { action: 'dispatch', department: 'engineering' });
      await act(lift.id, { action: a });
    }
    const done = await create({ source: 'complaint', title: '快递柜无法开启', description: '取件码无效', department: 'service', ...resident('周先生', '1-1-302') });
    for (const body of [{ action: 'dispatch', department: 'service' }, { action: 'accept' }, { action: 'resolve' }, { action: 'verify', satisfied: true, note: '已回访，住户已取到快递' }, { action: 'close' }] as WorkOrderEventBody[]) {
      await act(done.id, body);
    }
    // Made four minutes ago with a five-minute accept deadline: under 25 % left, amber.
    clock.offsetMs = -4 * MIN;
    await create({ source: 'complaint', title: '访客车辆占用业主车位', description: '地面车位 A-023 被外来车辆占用', department: 'parking', ...resident('孙先生', '2-3-601') });
    clock.offsetMs = 0;
  }

  it('an operator signs in', async () => {
    await page.goto(server.httpUrl);
    await page.getByTestId('login-username').fill('operator');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
  });

  it('logs a phone complaint with the keyboard only and sees its number', async () => {
    await page.keyboard.press('n'); // from the alerts page
    await page.getByTestId('complaint-form').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('complaint-name');
    // Validation first: Ctrl+Enter on an empty form names the missing fields and focuses the first.
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('complaint-form').locator('.err').count()).resolves.toBe(5);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: resolve(RESULTS, 'work-orders-complaint-invalid.png') });
    const fields: [string, string][] = [
      ['complaint-name', '李女士'],
      ['complaint-room', '3-1-502'],
      ['complaint-phone', '138 0013 8000'],
    ];
    for (const [testId, text] of fields) {
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(testId);
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
    }
    // Channel (phone), priority (normal) and department (客户服务中心) keep their defaults: Enter through them.
    for (const testId of ['complaint-channel', 'complaint-priority', 'complaint-dept']) {
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(testId);
      await page.keyboard.press('Enter');
    }
    await page.keyboard.type('卫生间天花板漏水');
    await page.keyboard.press('Enter');
    await page.keyboard.type('楼上 602 卫生间漏水，天花板滴水，已持续两天');
    await page.screenshot({ path: resolve(RESULTS, 'work-orders-complaint.png') });
    await page.keyboard.press('Enter'); // Enter in the last field submits

    const created = page.getByTestId('wo-created');
    await created.waitFor();
    orderId = (await detail().getAttribute('data-order-id'))!;
    orderNumber = (await page.getByTestId('wo-number').textContent())!.trim();
    expect(orderNumber).toMatch(/^WO-\d{8}-\d{4}$/);
    await expect(created.textContent()).resolves.toContain(orderNumber);
    expect(page.url()).toContain(`/work-orders/${orderId}`);
    const card = page.locator(`[data-testid="wo-column"][data-status="new"] [data-testid="wo-card"][data-order-id="${orderId}"]`);
    await card.waitFor();
    await expect(card.textContent()).resolves.toContain('3-1-502');
  });

  it('shows orders made elsewhere and a new escalation live, with one toast', async () => {
    const other = await create({ source: 'inspection', title: '北门岗亭门禁读卡器松动', description: '巡查发现', department: 'security' });
    await page.locator(`[data-testid="wo-card"][data-order-id="${other.id}"]`).waitFor();
    expect(await page.getByTestId('toast').count()).toBe(0);

    // Made six minutes ago with a five-minute accept deadline: the sweep escalates it now.
    clock.offsetMs = -6 * MIN;
    const late = await create({ source: 'inspection', title: '北区道闸抬杆缓慢', description: '车辆排队', department: 'parking' });
    clock.offsetMs = 0;
    const card = page.locator(`[data-testid="wo-card"][data-order-id="${late.id}"]`);
    await card.getByTestId('wo-escalated').waitFor();
    await expect(card.getByTestId('wo-sla').getAttribute('data-level')).resolves.toBe('red');
    await page.locator('[data-testid="toast"][data-kind="workOrder"]').waitFor();
    // A comment on the escalated order is an update, not a new escalation: still one toast.
    await card.click();
    await act(late.id, { action: 'comment', note: '已电话催促车场' });
    await page.locator(`[data-testid="wo-detail"][data-order-id="${late.id}"]`).getByText('已电话催促车场').waitFor();
    expect(await page.locator('[data-testid="toast"][data-kind="workOrder"]').count()).toBe(1);
    // The header's escalated count filters the board to those orders and back.
    const allCards = await page.getByTestId('wo-card').count();
    await page.getByTestId('wo-escalated-count').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="wo-card"]').length === 1);
    await expect(page.getByTestId('wo-card').getAttribute('data-order-id')).resolves.toBe(late.id);
    await page.getByTestId('wo-escalated-count').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="wo-card"]').length === n, allCards);
  });

  it('dispatches to engineering and takes the order to resolved with the buttons', async () => {
    await page.locator(`[data-testid="wo-card"][data-order-id="${orderId}"]`).click();
    await page.getByTestId('wo-action-dispatch').click();
    await page.locator('[data-testid="wo-dispatch-dept"][data-dept="engineering"]').click();
    await page.getByTestId('wo-dispatch-assignee').fill('王师傅');
    await page.getByTestId('wo-dispatch-confirm').click();
    await waitStatus('dispatched');
    await page.locator(`[data-testid="wo-column"][data-status="dispatched"] [data-testid="wo-card"][data-order-id="${orderId}"]`).waitFor();

    await page.getByTestId('wo-action-accept').click();
    await waitStatus('accepted');
    await page.getByTestId('wo-action-start').click();
    await waitStatus('in_progress');
    await page.screenshot({ path: resolve(RESULTS, 'work-orders-board.png') });
    await page.getByTestId('wo-action-resolve').click();
    await waitStatus('resolved');
    await expect(detail().getByTestId('wo-sla').getAttribute('data-kind')).resolves.toBe('callback');
  });

  it('records the callback (a note is required for a complaint) and closes the order', async () => {
    await page.getByTestId('wo-action-verify').click();
    await page.getByTestId('wo-verify-confirm').click();
    await page.getByTestId('wo-error').waitFor(); // no note yet: refused in the page, nothing sent
    await page.getByTestId('wo-verify-yes').click();
    await page.getByTestId('wo-verify-note').fill('已电话回访，李女士确认漏水已修好');
    expect(await page.getByTestId('wo-error').count()).toBe(0); // the reminder goes once a note is written
    await page.screenshot({ path: resolve(RESULTS, 'work-orders-verify.png') });
    await page.getByTestId('wo-verify-confirm').click();
    await waitStatus('verified');
    await page.getByTestId('wo-action-close').click();
    await waitStatus('closed');
    expect(await page.getByTestId('wo-action-close').count()).toBe(0);

    await page.getByTestId('wo-show-done').first().click();
    await page.locator(`[data-testid="wo-column"][data-status="closed"] [data-testid="wo-card"][data-order-id="${orderId}"]`).waitFor();
    await page.screenshot({ path: resolve(RESULTS, 'work-orders-detail.png') });
  });

  it("shows the server's refusal inline, with what is possible now", async () => {
    // Someone else acted first: the server answers 409 with the actions the order allows now.
    await page.route('**/api/work-orders/*/events', (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/json',
        body: JSON.stringify({ statusCode: 409, message: 'cannot reopen a closed order', status: 'closed', allowed: ['close', 'comment'] }),
      }),
    );
    await page.getByTestId('wo-action-reopen').click();
    await page.getByTestId('wo-reopen-confirm').click();
    const error = page.getByTestId('wo-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toBe('操作失败：cannot reopen a closed order 当前可以：关闭工单');
    await page.unroute('**/api/work-orders/*/events');
  });

  it('the API timeline has every step, each by the operator', async () => {
    const order = await api<WorkOrderDto>('GET', `/api/work-orders/${orderId}`);
    expect(order).toMatchObject({ status: 'closed', department: 'engineering', assignee: '王师傅', source: 'complaint', channel: 'phone', priority: 'normal' });
    expect(order.reporter).toEqual({ name: '李女士', room: '3-1-502', phone: '138 0013 8000' });
    const steps = order.timeline.filter((e) => e.action !== 'comment').map((e) => [e.action, e.by]);
    expect(steps).toEqual(['create', 'dispatch', 'accept', 'start', 'resolve', 'verify', 'close'].map((a) => [a, 'operator']));
    expect(order.timeline.find((e) => e.action === 'verify')?.note).toBe('已电话回访，李女士确认漏水已修好');
  });

  it('an alert shows the work order it raised, and the order links back to it', async () => {
    const site = parseSiteConfig(readFileSync(DEMO_FILE, 'utf8'), DEMO_FILE);
    const gate = site.gates[0]!;
    const topic = buildTopic({ site: site.site.id, kind: 'gate', device: gate.id, stream: 'status' });
    const device = connect(`mqtt://127.0.0.1:${server.mqttPort}`, {
      clientId: `wo-${gate.id}`,
      username: deviceUsername(site.site.id, gate.id),
      password: gate.secret,
      reconnectPeriod: 0,
      will: { topic, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    await new Promise<void>((ok, fail) => {
      device.once('connect', () => ok());
      device.once('error', fail);
    });
    await device.publishAsync(topic, JSON.stringify({ id: 'wo-status-1', ts: new Date().toISOString(), online: true }), { qos: 1, retain: true });
    // CONTRACT §4: device.offline raises an engineering work order by default.
    (device as unknown as { stream: { destroy(): void } }).stream.destroy();

    await page.getByRole('link', { name: /告警/ }).click();
    const row = page.locator(`[data-testid="alert-row"][data-alert-type="device.offline"][data-subject="${gate.id}"]`);
    await row.click();
    const link = page.getByTestId('alert-work-order');
    await link.waitFor();
    await page.waitForFunction(() => /WO-\d{8}-\d{4}/.test(document.querySelector('[data-testid="alert-work-order"]')?.textContent ?? ''));
    const alertId = (await row.getAttribute('data-alert-id'))!;
    const alert = (await api<AlertDto[]>('GET', '/api/alerts?type=device.offline')).find((a) => a.id === alertId)!;
    const raised = await api<WorkOrderDto>('GET', `/api/work-orders/${alert.workOrderId}`);
    expect(raised).toMatchObject({ source: 'alert', department: 'engineering' });
    // Its number and status as the board shows them (alert orders arrive already dispatched).
    const statusLabel = { new: '新建', dispatched: '已派单' }[raised.status as 'new' | 'dispatched'];
    await expect(link.textContent()).resolves.toBe(`${raised.number}${statusLabel}`);
    await page.screenshot({ path: resolve(RESULTS, 'work-orders-alert-link.png') });

    await link.click();
    await page.locator(`[data-testid="wo-detail"][data-order-id="${alert.workOrderId}"]`).waitFor();
    await page.locator(`[data-testid="wo-alert-link"][href="/alerts/${alertId}"]`).waitFor();
    device.end(true);
  });

  it('the board can be walked with the arrow keys', async () => {
    const cards = page.locator('[data-testid="wo-column"][data-status="new"] [data-testid="wo-card"]');
    const second = await cards.nth(1).getAttribute('data-order-id');
    await cards.first().focus();
    await page.keyboard.press('ArrowDown');
    await page.locator(`[data-testid="wo-detail"][data-order-id="${second}"]`).waitFor();
    await page.keyboard.press('ArrowRight'); // the next column with cards: 已派单
    await page.locator('[data-testid="wo-detail"][data-status="dispatched"]').waitFor();
  });

  it('the board reads in English too', async () => {
    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="page-heading"]')?.textContent === 'Work orders');
    await page.screenshot({ path: resolve(RESULTS, 'work-orders-board-en.png') });
    await page.locator('[data-testid="wo-column"][data-status="closed"] .fold-head').click(); // fold today's finished orders again
    await page.getByTestId('wo-show-done').first().waitFor();
    await page.setViewportSize({ width: 1600, height: 900 }); // the smaller desk monitor
    await page.screenshot({ path: resolve(RESULTS, 'work-orders-board-1600.png') });
    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="page-heading"]')?.textContent === '工单');
  });

  it('a complaint about a common area needs no room number: 公共区域 and where', async () => {
    await page.keyboard.press('n');
    await page.getByTestId('complaint-form').waitFor();
    await page.getByTestId('complaint-name').fill('王先生');
    await page.getByTestId('complaint-common-area').check();
    // The room field gives way to the location, which now has the focus.
    expect(await page.getByTestId('complaint-room').count()).toBe(0);
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'complaint-location');
    await page.getByTestId('complaint-phone').fill('139 0000 1111');
    await page.getByTestId('complaint-title').fill('大堂灯不亮');
    await page.getByTestId('complaint-description').fill('5栋大堂吊灯全部不亮');
    await page.keyboard.press('Control+Enter');
    // Without a location it is refused, naming the field; with one it goes through.
    await page.locator('.field.bad [data-testid="complaint-location"]').waitFor();
    await page.getByTestId('complaint-location').fill('5栋大堂');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('wo-created').waitFor();
    const id = (await detail().getAttribute('data-order-id'))!;
    const order = await api<WorkOrderDto>('GET', `/api/work-orders/${id}`);
    expect(order.reporter).toEqual({ name: '王先生', room: '公共区域 · 5栋大堂', phone: '139 0000 1111' });
  });
});
