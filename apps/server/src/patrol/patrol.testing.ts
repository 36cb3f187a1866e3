// Test support for the patrol suites: a database per suite; per test a ManualClock at 06:00 in
// Asia/Shanghai on 2026-11-27 and a (re)startable PatrolService wired to alerts and work orders.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { parseSiteConfig, type AlertDto, type RoundDto, type SiteConfig } from '@estate-watch/contracts';
import { AlertsRepository } from '../alerts/alerts.repository';
import { AlertsService } from '../alerts/alerts.service';
import { ManualClock } from '../common/clock';
import type { Database } from '../db/database';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/database.testing';
import type { AcceptedMessage } from '../ingest/accepted-message';
import { SitesService } from '../sites/sites.service';
import { testSiteYaml } from '../sites/sites.testing';
import { AlertWorkOrders } from '../work-orders/alert-work-orders';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository';
import { WorkOrdersService } from '../work-orders/work-orders.service';
import { PatrolRepository } from './patrol.repository';
import { PatrolService } from './patrol.service';

export const CARD = '04A1B2C3D4E5F6'; // G01 张伟
export const ROUND = 'testsite:r1:2026-11-27:0930'; // cp-1 window [09:15, 09:45], cp-2 window [09:35, 10:05]
/** Site-local wall time (+08:00) on 2026-11-27 unless another date is given. */
export const local = (hms: string, date = '2026-11-27') => new Date(`${date}T${hms.length === 5 ? `${hms}:00` : hms}+08:00`);
export const site = (yaml = testSiteYaml()) => parseSiteConfig(yaml, 'test-site.yaml');

export interface PatrolHarness {
  db: Database;
  clock: ManualClock;
  alerts: AlertsService;
  workOrders: WorkOrdersService;
  /** The running server's patrol service; `h.patrol = h.start(cfg)` restarts it. */
  patrol: PatrolService;
  /** What changes$ pushed since the last start (the live `patrol` events). */
  live: RoundDto[];
  /** A (re)started server: fresh services over the same database, the sites as the file says now. */
  start(cfg: SiteConfig): PatrolService;
  /** A checkpoint tap as ingest hands it over: device time `at`, received now. */
  tap(checkpoint: string, at: Date, card?: string, msgId?: string): AcceptedMessage;
  sweepAt(hms: string, date?: string): Promise<RoundDto[]>;
  round(id?: string, date?: string): Promise<RoundDto | undefined>;
  outcomes(r: RoundDto | undefined): string[] | undefined;
  openAlerts(): Promise<AlertDto[]>;
}

/** Registers the hooks; the returned object's fields are fresh in every test. */
export function patrolHarness(backend: Backend): PatrolHarness {
  let t: TestDatabase;
  let seq = 0;
  const h = {} as PatrolHarness;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    h.db = t.db;
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    for (const table of ['work_order_events', 'work_order_alerts', 'alerts', 'work_orders', 'patrol_taps', 'patrol_rounds', 'patrol_monitoring']) {
      await t.db.query(`DELETE FROM ${table}`);
    }
    h.clock = new ManualClock(local('06:00'));
    h.patrol = h.start(site());
  });

  h.start = (cfg) => {
    const sites = new SitesService([cfg], t.db);
    h.alerts = new AlertsService(new AlertsRepository(t.db, sites), h.clock);
    h.workOrders = new WorkOrdersService(new WorkOrdersRepository(t.db), sites, h.clock);
    h.alerts.follow(new AlertWorkOrders(h.workOrders, h.alerts, sites));
    const service = new PatrolService(new PatrolRepository(t.db, sites), h.alerts, sites, h.clock);
    h.live = [];
    service.changes$.subscribe((r) => h.live.push(r));
    return service;
  };
  h.tap = (checkpoint, at, card = CARD, msgId = `m${++seq}`) => ({
    seq: ++seq,
    siteId: 'testsite',
    kind: 'checkpoint',
    deviceId: checkpoint,
    stream: 'event',
    msgId,
    payload: { id: msgId, ts: at.toISOString(), type: 'tap', card },
    observedAt: at,
    receivedAt: h.clock.now(),
    lastWill: false,
  });
  h.sweepAt = (hms, date) => {
    h.clock.set(local(hms, date));
    return h.patrol.sweep(h.clock.now());
  };
  h.round = async (id = ROUND, date = '2026-11-27') => (await h.patrol.list({ date })).find((r) => r.id === id);
  h.outcomes = (r) => r?.checkpoints.map((c) => `${c.checkpointId}:${c.outcome}${c.flags.length ? `+${c.flags.join('+')}` : ''}`);
  h.openAlerts = async () =>
    (await h.alerts.list({ status: 'active', limit: 100 })).sort((a, b) => a.subject.localeCompare(b.subject) || a.type.localeCompare(b.type));
  return h;
}
