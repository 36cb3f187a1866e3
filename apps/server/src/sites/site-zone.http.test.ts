// Issue 10 point 2: the objects whose times the screens show carry their site's zone, so a browser
// in any zone shows the site's clock from the object alone, before GET /api/sites has answered.
// The site is on Europe/Berlin's clock: neither Shanghai's (the other fixtures') nor this machine's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDto, RoundDto, WorkOrderDto } from '@estate-watch/contracts';
import { shiftDate, localDateOf } from '@estate-watch/domain';
import { AlertsModule } from '../alerts/alerts.module';
import { AlertsService } from '../alerts/alerts.service';
import { ManualClock } from '../common/clock';
import { createTestApp, type TestApp } from '../common/http/http.testing';
import { ConsumablesModule } from '../consumables/consumables.module';
import { DevicesModule } from '../devices/devices.module';
import { EquipmentModule } from '../equipment/equipment.module';
import { ParkingModule } from '../parking/parking.module';
import { PatrolModule } from '../patrol/patrol.module';
import { PatrolService } from '../patrol/patrol.service';
import { WorkOrdersModule } from '../work-orders/work-orders.module';
import { WorkOrdersService } from '../work-orders/work-orders.service';
import { SitesService } from './sites.service';
import { testSite } from './sites.testing';

const ZONE = 'Europe/Berlin';

describe('alerts, work orders, rounds and the device lists carry their site zone over HTTP and live', () => {
  let t: TestApp;
  let operator: string;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    expect(testSite('berlin').site.timezone).toBe(ZONE);
    t = await createTestApp({ imports: [AlertsModule, WorkOrdersModule, PatrolModule, DevicesModule, ParkingModule, ConsumablesModule, EquipmentModule], sites: [testSite('berlin')], clock });
    operator = await t.login('operator');
  });
  afterAll(async () => t?.close());

  it('an alert: as raised and pushed live, listed, acknowledged', async () => {
    const live: AlertDto[] = [];
    const alerts = t.app.get(AlertsService);
    const subscription = alerts.changes$.subscribe((c) => live.push(c.alert));
    const raised = await alerts.raise({ siteId: 'testsite', type: 'device.offline', subject: 'gate-1', message: '北门入口 离线' });
    subscription.unsubscribe();
    expect(live.map((a) => a.timezone)).toEqual(live.map(() => ZONE));
    expect(live.length).toBeGreaterThan(0);
    const listed = await t.request<AlertDto[]>('GET', '/api/alerts?status=open', { token: operator });
    expect(listed.body.find((a) => a.id === raised.id)?.timezone).toBe(ZONE);
    const acked = await t.request<AlertDto>('POST', `/api/alerts/${raised.id}/ack`, { token: operator, body: {} });
    expect(acked.status).toBe(201);
    expect(acked.body.timezone).toBe(ZONE);
  });

  it('a work order: as created and pushed live, read back, listed', async () => {
    const live: WorkOrderDto[] = [];
    const subscription = t.app.get(WorkOrdersService).changes$.subscribe((o) => live.push(o));
    const created = await t.request<WorkOrderDto>('POST', '/api/work-orders', { token: operator, body: { source: 'inspection', title: '井盖松动', description: '北门井盖松动' } });
    subscription.unsubscribe();
    expect(created.status).toBe(201);
    expect(created.body.timezone).toBe(ZONE);
    expect(live.map((o) => o.timezone)).toEqual([ZONE]);
    expect((await t.request<WorkOrderDto>('GET', `/api/work-orders/${created.body.id}`, { token: operator })).body.timezone).toBe(ZONE);
    const listed = await t.request<WorkOrderDto[]>('GET', '/api/work-orders?status=open', { token: operator });
    expect(listed.body.find((o) => o.id === created.body.id)?.timezone).toBe(ZONE);
  });

  it('a round: stored (tomorrow\'s, planned ahead by the sweep) and as the site file plans it (beyond tomorrow)', async () => {
    await t.app.get(PatrolService).sweep(clock.now());
    const today = localDateOf(clock.now(), ZONE);
    for (const date of [shiftDate(today, 1), shiftDate(today, 3)]) {
      const rounds = await t.request<RoundDto[]>('GET', `/api/patrol/rounds?date=${date}`, { token: operator });
      expect(rounds.status).toBe(200);
      expect(rounds.body).toHaveLength(1);
      expect(rounds.body[0]!.timezone).toBe(ZONE);
    }
    // Stored without it: the zone is the site file's, read back with the round.
    const [row] = await t.db.query<{ round: Record<string, unknown> }>('SELECT round FROM patrol_rounds LIMIT 1');
    expect(row!.round).not.toHaveProperty('timezone');
  });

  it.each([
    { path: '/api/devices', what: 'devices' },
    { path: '/api/parking/lots', what: 'lots' },
    { path: '/api/consumables/dispensers', what: 'dispensers' },
    { path: '/api/equipment', what: 'sensors' },
  ])('$what: $path', async ({ path }) => {
    await t.app.get(SitesService).syncToDatabase(); // the device rows
    const res = await t.request<{ timezone: string }[]>('GET', path, { token: operator });
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(0);
    expect(res.body.map((row) => row.timezone)).toEqual(res.body.map(() => ZONE));
  });
});
