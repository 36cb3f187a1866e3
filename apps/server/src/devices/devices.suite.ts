// Online / offline / clock skew (CONTRACT §4), run on PGlite (unit suite) and PostgreSQL (service suite).
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UPSTREAM_STREAMS, type DeviceDto } from '@estate-watch/contracts';
import { AlertsRepository } from '../alerts/alerts.repository';
import { AlertsService } from '../alerts/alerts.service';
import { ManualClock } from '../common/clock';
import type { Database, Queryable } from '../db/database';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/database.testing';
import { selects, type AcceptedMessage } from '../ingest/accepted-message';
import { SitesService } from '../sites/sites.service';
import { testSite } from '../sites/sites.testing';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';

export function devicesSuite(backend: Backend): void {
  describe(`devices on ${backend}`, () => {
    let t: TestDatabase;
    let clock: ManualClock;
    let alerts: AlertsService;
    let devices: DevicesService;
    let events: DeviceDto[];
    let seq = 0;

    beforeAll(async () => {
      t = await openTestDatabase(backend);
    });
    afterAll(async () => t.drop());
    beforeEach(async () => {
      await t.db.query('DELETE FROM alerts');
      await t.db.query('DELETE FROM devices');
      clock = new ManualClock('2026-11-27T01:30:00Z');
      const sites = new SitesService([testSite()], t.db);
      await sites.syncToDatabase();
      alerts = new AlertsService(new AlertsRepository(t.db, sites), clock);
      devices = new DevicesService(new DevicesRepository(t.db), alerts, sites, clock);
      events = [];
      devices.changes$.subscribe((d) => events.push(d));
    });

    /** A status as ingest hands it over, received now, observed `skewMs` earlier. */
    function status(deviceId: string, online: boolean, skewMs = 300): AcceptedMessage {
      const receivedAt = clock.now();
      return {
        seq: ++seq,
        siteId: 'testsite',
        kind: deviceId.startsWith('cp') ? 'checkpoint' : 'gate',
        deviceId,
        stream: 'status',
        msgId: `m${seq}`,
        payload: { id: `m${seq}`, ts: new Date(receivedAt.getTime() - skewMs).toISOString(), online, fw: '1.0.3', battery: 80 },
        observedAt: new Date(receivedAt.getTime() - skewMs),
        receivedAt,
        lastWill: false,
      };
    }

    function lastWill(deviceId: string): AcceptedMessage {
      return { ...status(deviceId, false), msgId: undefined, payload: { online: false }, observedAt: undefined, lastWill: true };
    }

    const byId = async (id: string) => (await devices.list()).find((d) => d.id === id)!;
    const openAlerts = async (type: string) => (await alerts.list({ status: 'open', type, limit: 50 })).map((a) => `${a.subject}:${a.status}`);

    it('lists every configured device, offline until it reports', async () => {
      const list = await devices.list();
      expect(list.map((d) => d.id).sort()).toEqual(['boiler-1', 'cp-1', 'cp-2', 'gate-1', 'soap-1']);
      expect(list.every((d) => !d.online && d.rejectedCount === 0)).toBe(true);
    });

    it('a status makes a device online with its firmware, battery and skew, and is pushed live', async () => {
      await devices.handle(status('gate-1', true));
      expect(await byId('gate-1')).toMatchObject({ online: true, fw: '1.0.3', battery: 80, clockSkewMs: 300 });
      expect(events.map((e) => `${e.id}:${e.online}`)).toEqual(['gate-1:true']);
    });

    it('the last will marks it offline and raises device.offline; the next status clears it', async () => {
      await devices.handle(status('gate-1', true));
      clock.advance(10_000);
      await devices.handle(lastWill('gate-1'));
      expect((await byId('gate-1')).online).toBe(false);
      expect(await openAlerts('device.offline')).toEqual(['gate-1:active']);
      clock.advance(10_000);
      await devices.handle(status('gate-1', true));
      expect((await byId('gate-1')).online).toBe(true);
      expect(await alerts.list({ status: 'active', type: 'device.offline', limit: 5 })).toEqual([]);
    });

    // heartbeatSec is 30 in the test site: silence for 3 × 30 s = 90 s means offline.
    it.each([
      { silentSec: 89, offline: false },
      { silentSec: 90, offline: false }, // exactly 3 heartbeats: not yet
      { silentSec: 91, offline: true },
    ])('silence of $silentSec s → offline: $offline', async ({ silentSec, offline }) => {
      await devices.handle(status('cp-1', true));
      clock.advance(silentSec * 1000);
      expect(await devices.sweepSilent()).toBe(offline ? 1 : 0);
      expect((await byId('cp-1')).online).toBe(!offline);
      expect(await openAlerts('device.offline')).toEqual(offline ? ['cp-1:active'] : []);
    });

    it('a device silent for a whole day is raised once, and the sweep is idempotent', async () => {
      await devices.handle(status('cp-2', true));
      for (let minute = 0; minute < 24 * 60; minute++) {
        clock.advance(60_000);
        await devices.sweepSilent();
      }
      const raised = await alerts.list({ type: 'device.offline', limit: 5 });
      expect(raised).toHaveLength(1);
      expect(raised[0]!.count).toBe(1);
      expect(raised[0]!.message).toContain('120 秒无状态上报');
    });

    /** A message ingest committed for the devices handler, which has not applied it yet. */
    async function committedNotApplied(deviceId: string, stream: string, receivedAt: Date): Promise<void> {
      await t.db.query(
        `INSERT INTO device_messages (seq, site_id, device_id, kind, stream, msg_id, received_at, payload) VALUES ($1, 'testsite', $2, 'checkpoint', $3, $4, $5, $6)`,
        [++seq, deviceId, stream, `m${seq}`, receivedAt.toISOString(), JSON.stringify({ online: true })],
      );
    }

    // The handler may be minutes behind ingest (10,000 devices reconnecting): a status ingest
    // holds is the device speaking, applied or not (issue 9 point 5: no false offline).
    it.each([
      { name: 'a status received within 3 heartbeats, not applied yet: not silent', stream: 'status', receivedSecAgo: 10, offline: false },
      { name: 'received exactly 3 heartbeats ago: not silent', stream: 'status', receivedSecAgo: 90, offline: false },
      { name: 'received before the window: silent', stream: 'status', receivedSecAgo: 91, offline: true },
      { name: 'telemetry is not a status: silent', stream: 'telemetry', receivedSecAgo: 10, offline: true },
    ])('$name', async ({ stream, receivedSecAgo, offline }) => {
      await devices.handle(status('cp-1', true));
      clock.advance(91_000);
      await committedNotApplied('cp-1', stream, new Date(clock.now().getTime() - receivedSecAgo * 1000));
      expect(await devices.sweepSilent()).toBe(offline ? 1 : 0);
      expect((await byId('cp-1')).online).toBe(!offline);
    });

    it('a status committed between the sweep reading a silent device and marking it keeps it online', async () => {
      await devices.handle(status('cp-1', true));
      clock.advance(91_000);
      const repo = new DevicesRepository(t.db);
      const [silent] = await repo.findSilent([{ siteId: 'testsite', before: new Date(clock.now().getTime() - 90_000) }]);
      expect(silent?.deviceId).toBe('cp-1');
      await committedNotApplied('cp-1', 'status', clock.now());
      expect(await repo.markOffline(silent!)).toBe(false);
      expect((await byId('cp-1')).online).toBe(true);
    });

    it('after a restart, silence counts from when the server started watching', async () => {
      await devices.handle(status('cp-1', true));
      clock.advance(3_600_000); // the server was down for an hour
      devices.startWatching();
      clock.advance(89_000);
      expect(await devices.sweepSilent()).toBe(0);
      clock.advance(2_000); // 91 s after the restart and still no status: offline
      expect(await devices.sweepSilent()).toBe(1);
    });

    it('silenceDue: the sweep marks nothing 1 ms before the instant it names and marks the device at it; a later status moves it', async () => {
      const due = devices.silenceDue();
      expect(due.leadMs).toBe(90_000);
      expect(await due.after(clock.now())).toBeNull(); // nobody online: nothing to wait for
      const first = clock.now().getTime();
      await devices.handle(status('cp-1', true));
      clock.advance(30_000);
      await devices.handle(status('cp-2', true));
      expect((await due.after(clock.now()))?.getTime()).toBe(first + 90_001);
      clock.set(new Date(first + 90_000));
      expect(await devices.sweepSilent()).toBe(0);
      clock.set(new Date(first + 90_001));
      expect(await devices.sweepSilent()).toBe(1);
      // cp-1 is offline now; cp-2's silence is next.
      expect((await due.after(clock.now()))?.getTime()).toBe(first + 30_000 + 90_001);
    });

    it('a site no longer in the site files is not swept', async () => {
      const gone = testSite();
      gone.site = { ...gone.site, id: 'gonesite' };
      await new SitesService([gone], t.db).syncToDatabase();
      await t.db.query(`UPDATE devices SET online = true, last_status_at = $1 WHERE site_id = 'gonesite'`, [clock.now()]);
      clock.advance(3_600_000);
      expect(await devices.sweepSilent()).toBe(0);
      expect(await openAlerts('device.offline')).toEqual([]);
    });

    it.each([
      { skewMs: 120_000, raised: false }, // edge: exactly 120 s is still fine
      { skewMs: 120_001, raised: true },
      { skewMs: -120_001, raised: true }, // device clock ahead
      { skewMs: 30_000, raised: false },
    ])('status ts $skewMs ms off receive time → clock_skew raised: $raised', async ({ skewMs, raised }) => {
      await devices.handle(status('cp-1', true, skewMs));
      expect(await openAlerts('device.clock_skew')).toEqual(raised ? ['cp-1:active'] : []);
    });

    it('a corrected clock clears device.clock_skew', async () => {
      await devices.handle(status('cp-1', true, 600_000));
      clock.advance(30_000);
      await devices.handle(status('cp-1', true, 200));
      const [alert] = await alerts.list({ type: 'device.clock_skew', limit: 5 });
      expect(alert).toMatchObject({ status: 'cleared', count: 1 });
      expect((await byId('cp-1')).clockSkewMs).toBe(200);
    });

    it('a batch, a crash after its first commit, the batch again: the same state, each alert once', async () => {
      const batch = [status('cp-1', true), status('gate-1', true), lastWill('gate-1'), status('gate-1', true, 600_000), status('cp-1', true, 200)];
      // The alerts commit with the statuses (one statement): the crash falls before they are announced.
      const failing = Object.create(alerts) as AlertsService;
      failing.writes = (changes) => {
        const writes = alerts.writes(changes);
        const crash = () => Promise.reject(new Error('crash before the alert was announced'));
        return { count: writes.count, sql: writes.sql, written: writes.written, get steps() { return writes.steps.map(() => ({ tell: () => undefined, follow: crash })); } };
      };
      const crashed = new DevicesService(new DevicesRepository(t.db), failing, new SitesService([testSite()], t.db), clock);
      await expect(crashed.applyBatch(batch)).rejects.toThrow('crash before the alert was announced');
      // Committed: up to the last will (its alert must follow before the next status), with its alert, nothing after it.
      expect(await byId('gate-1')).toMatchObject({ online: false, clockSkewMs: 300 });
      expect(await openAlerts('device.offline')).toEqual(['gate-1:active']);

      await devices.applyBatch(batch);
      await devices.applyBatch(batch); // and once more, as a second crash after the last commit would
      expect(await byId('gate-1')).toMatchObject({ online: true, clockSkewMs: 600_000 });
      expect(await byId('cp-1')).toMatchObject({ online: true, clockSkewMs: 200 });
      const history = async (type: string) => (await alerts.list({ type, limit: 10 })).map((a) => [a.subject, a.status, a.count]);
      expect(await history('device.offline')).toEqual([['gate-1', 'cleared', 1]]);
      expect(await history('device.clock_skew')).toEqual([['gate-1', 'active', 1]]);
    });

    it('a batch writes each device once and announces it once, with its last status', async () => {
      await devices.applyBatch([status('gate-1', true, 100), status('cp-1', true), status('gate-1', true, 200), status('gate-1', false, 300)]);
      expect(await byId('gate-1')).toMatchObject({ online: false, clockSkewMs: 300 });
      expect(events.map((e) => `${e.id}:${e.online}`).sort()).toEqual(['cp-1:true', 'gate-1:false']);
    });

    it('devices coming online together share a transaction; a device whose alert must follow closes only itself', async () => {
      const repo = new DevicesRepository(t.db);
      const transactions: string[][] = [];
      const applyStatuses = repo.applyStatuses.bind(repo);
      repo.applyStatuses = async (inputs, stopAfter, alertsFor) => {
        const outcomes = await applyStatuses(inputs, stopAfter, alertsFor);
        transactions.push(inputs.slice(0, outcomes.length).map((u) => `${u.deviceId}:${u.online}`));
        return outcomes;
      };
      const counted = new DevicesService(repo, alerts, new SitesService([testSite()], t.db), clock);
      // cp-1, cp-2 and gate-1 come online (each may clear an offline alert); cp-1's last will must
      // wait until cp-1's clear has followed, so the transaction ends just before it
      await counted.applyBatch([status('cp-1', true), status('cp-2', true), status('gate-1', true), lastWill('cp-1'), status('soap-1', true)]);
      expect(transactions).toEqual([
        ['cp-1:true', 'cp-2:true', 'gate-1:true'],
        ['cp-1:false', 'soap-1:true'],
      ]);
      expect((await devices.list()).filter((d) => d.online).map((d) => d.id).sort()).toEqual(['cp-2', 'gate-1', 'soap-1']);
      expect(await openAlerts('device.offline')).toEqual(['cp-1:active']);
    });

    it('devices coming back online clear their device.offline alerts in the statement that writes their statuses', async () => {
      for (const id of ['cp-1', 'cp-2', 'gate-1']) await devices.handle(lastWill(id));
      expect((await openAlerts('device.offline')).sort()).toEqual(['cp-1:active', 'cp-2:active', 'gate-1:active']);
      const statements: string[] = [];
      const counting = Object.assign(Object.create(t.db) as Database, {
        query: <T>(sql: string, params?: unknown[]) => (statements.push(sql), t.db.query<T>(sql, params)),
        transaction: <T>(work: (tx: Queryable) => Promise<T>) => t.db.transaction((tx) => work({ query: (sql, params) => (statements.push(sql), tx.query(sql, params)) })),
        // the handler's batches run on a session of their own (Database.session): counted alike
        session: () => counting,
      });
      const sites = new SitesService([testSite()], t.db);
      const countedAlerts = new AlertsService(new AlertsRepository(counting, sites), clock);
      await new DevicesService(new DevicesRepository(counting), countedAlerts, sites, clock).applyBatch([status('cp-1', true), status('cp-2', true), status('gate-1', true)]);
      expect((await alerts.list({ type: 'device.offline', limit: 10 })).map((a) => `${a.subject}:${a.status}`).sort()).toEqual(['cp-1:cleared', 'cp-2:cleared', 'gate-1:cleared']);
      // the rows locked, then the rows and the three clears written together
      expect(statements).toHaveLength(2);
    });

    it('takes statuses only; a value committed on this server is pushed as one coalesced `device` event per device', async () => {
      const telemetry = (deviceId: string) => ({ ...status(deviceId, true), stream: 'telemetry' as const, payload: { barrier: 'closed' } });
      expect(UPSTREAM_STREAMS.filter((stream) => selects(devices.selects, { kind: 'gate', stream }))).toEqual(['status']);
      const flushed = firstValueFrom(devices.changes$);
      devices.committedHere([telemetry('gate-1'), status('cp-1', true), telemetry('gate-1'), telemetry('cp-2')]);
      await flushed; // one flush emits every due device at once
      expect(events.map((d) => d.id).sort()).toEqual(['cp-2', 'gate-1']);
    });

    it('telemetry is not a status: it does not bring a device online', async () => {
      await devices.handle({ ...status('gate-1', true), stream: 'telemetry', payload: { barrier: 'closed' } });
      expect((await byId('gate-1')).online).toBe(false);
    });
  });
}
