// Test support for the work-order suites: a database per suite, fresh services per test on a
// ManualClock (09:30 in Asia/Shanghai), and the transitions the timelines recorded.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { AlertType, CreateWorkOrderBody, Severity, WorkOrderDto } from '@estate-watch/contracts';
import { AlertsRepository } from '../alerts/alerts.repository';
import { AlertsService } from '../alerts/alerts.service';
import { ManualClock } from '../common/clock';
import type { Database } from '../db/database';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/database.testing';
import { DevicesRepository } from '../devices/devices.repository';
import { DevicesService } from '../devices/devices.service';
import type { AcceptedMessage } from '../ingest/accepted-message';
import { SitesService } from '../sites/sites.service';
import { testSite, type TestSiteVariant } from '../sites/sites.testing';
import { AlertWorkOrders } from './alert-work-orders';
import { WorkOrdersRepository } from './work-orders.repository';
import { WorkOrdersService } from './work-orders.service';

export const MIN = 60_000;
export const DAY = 24 * 60 * MIN;

export const complaint: CreateWorkOrderBody = {
  source: 'complaint',
  title: '楼上漏水',
  description: '3栋1202 卫生间天花板漏水',
  reporter: { name: '王女士', room: '3-1102', phone: '138 0000 1234' },
  channel: 'phone',
};
export const inspection: CreateWorkOrderBody = { source: 'inspection', title: '消防通道堆物', description: '5栋消防通道堆放纸箱' };

/** Every (from, action, to) the suites' timelines recorded. */
const transitionsCovered = new Set<string>();

export interface Harness {
  db: Database;
  clock: ManualClock;
  alerts: AlertsService;
  devices: DevicesService;
  workOrders: WorkOrdersService;
  /** What changes$ pushed (the live `workOrder` events). */
  changes: WorkOrderDto[];
  act(o: WorkOrderDto, body: Parameters<WorkOrdersService['act']>[1], by?: string): Promise<WorkOrderDto>;
  raise(type: AlertType, subject: string, extra?: { severity?: Severity; details?: Record<string, unknown> }): ReturnType<AlertsService['raise']>;
  all(): Promise<WorkOrderDto[]>;
  /** A device status as ingest hands it over, received now. */
  status(deviceId: string, online: boolean): AcceptedMessage;
  lastWill(deviceId: string): AcceptedMessage;
}

/** `by:action:from>to` for each timeline entry. */
export const steps = (o: WorkOrderDto) => o.timeline.map((e) => `${e.by}:${e.action}:${e.from ?? ''}>${e.to ?? ''}`);

/** Registers the hooks; the returned object's fields are fresh in every test, on the test site's `variant`. */
export function workOrdersHarness(backend: Backend, suite: string, variant: TestSiteVariant = 'work-orders'): Harness {
  let t: TestDatabase;
  let seq = 0;
  const site = testSite(variant);
  const h = {} as Harness;

  const recordTransitions = async () => {
    if (!t) return;
    const rows = await t.db.query<{ f: string; action: string; to: string }>(
      'SELECT DISTINCT from_status AS f, action, to_status AS to FROM work_order_events WHERE from_status IS NOT NULL',
    );
    for (const r of rows) transitionsCovered.add(`${r.f} --${r.action}--> ${r.to}`);
  };

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    h.db = t.db;
  });
  afterAll(async () => {
    await recordTransitions();
    console.info(`after ${suite} on ${backend}: ${transitionsCovered.size} distinct transitions covered so far:\n  ${[...transitionsCovered].sort().join('\n  ')}`);
    await t.drop();
  });
  beforeEach(async () => {
    await recordTransitions();
    for (const table of ['work_order_events', 'work_order_alerts', 'alerts', 'work_orders', 'devices']) await t.db.query(`DELETE FROM ${table}`);
    h.clock = new ManualClock('2026-11-27T01:30:00Z'); // 09:30 in Asia/Shanghai
    const sites = new SitesService([site], t.db);
    await sites.syncToDatabase();
    h.alerts = new AlertsService(new AlertsRepository(t.db, sites), h.clock);
    h.workOrders = new WorkOrdersService(new WorkOrdersRepository(t.db), sites, h.clock);
    h.alerts.follow(new AlertWorkOrders(h.workOrders, h.alerts, sites));
    h.devices = new DevicesService(new DevicesRepository(t.db), h.alerts, sites, h.clock);
    h.changes = [];
    h.workOrders.changes$.subscribe((o) => h.changes.push(o));
  });

  h.act = (o, body, by = 'operator') => h.workOrders.act(o.id, body, by);
  h.raise = (type, subject, extra = {}) => h.alerts.raise({ siteId: 'testsite', type, subject, message: `${subject}：${type}`, ...extra });
  h.all = () => h.workOrders.list({ limit: 100 });
  h.status = (deviceId, online) => {
    const receivedAt = h.clock.now();
    seq++;
    return {
      seq,
      siteId: 'testsite',
      kind: 'gate',
      deviceId,
      stream: 'status',
      msgId: `m${seq}`,
      payload: { id: `m${seq}`, ts: receivedAt.toISOString(), online },
      observedAt: receivedAt,
      receivedAt,
      lastWill: false,
    };
  };
  h.lastWill = (deviceId) => ({ ...h.status(deviceId, false), msgId: undefined, payload: { online: false }, observedAt: undefined, lastWill: true });
  return h;
}
