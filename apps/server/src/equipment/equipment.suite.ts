// Storage behaviour of sensor limits, run on PGlite (unit suite) and PostgreSQL (service suite):
// a pending forSec window survives a restart, a replay raises once, a state and its alert commit
// together, and a state stored without its alert (a crash before this was so) is repaired by the replay.
import { firstValueFrom, filter, timeout } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSiteConfig, type UpstreamStream } from '@estate-watch/contracts';
import { AlertsRepository } from '../alerts/alerts.repository';
import { AlertsService, type AlertChanged } from '../alerts/alerts.service';
import { ManualClock } from '../common/clock';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/database.testing';
import type { Database, TransactionOptions } from '../db/database';
import type { AcceptedMessage } from '../ingest/accepted-message';
import { SitesService } from '../sites/sites.service';
import { testSite, testSiteYaml } from '../sites/sites.testing';
import { EquipmentRepository } from './equipment.repository';
import { EquipmentService } from './equipment.service';

export function equipmentSuite(backend: Backend): void {
  describe(`equipment on ${backend}`, () => {
    let t: TestDatabase;
    let clock: ManualClock;
    let alerts: AlertsService;
    let sites: SitesService;
    let seq = 0;
    /** A fresh service over the same database: what a restarted server has. */
    const restart = () => new EquipmentService(new EquipmentRepository(t.db), alerts, sites);

    beforeAll(async () => {
      t = await openTestDatabase(backend);
    });
    afterAll(async () => t.drop());
    beforeEach(async () => {
      for (const table of ['alerts', 'sensor_states', 'sensor_limit_states']) await t.db.query(`DELETE FROM ${table}`);
      clock = new ManualClock('2026-11-27T01:30:00Z');
      sites = new SitesService([testSite()], t.db);
      alerts = new AlertsService(new AlertsRepository(t.db, sites), clock);
    });

    const msg = (stream: UpstreamStream, payload: Record<string, unknown>): AcceptedMessage => {
      seq++;
      const at = clock.now();
      return { seq, siteId: 'testsite', kind: 'sensor', deviceId: 'boiler-1', stream, msgId: `e${seq}`, payload: { id: `e${seq}`, ts: at.toISOString(), ...payload }, observedAt: at, receivedAt: at, lastWill: false };
    };
    const temperature = (value: number) => msg('telemetry', { readings: { temperature_c: value } });
    const open = () => alerts.findOpen('testsite', 'sensor.threshold', 'boiler-1:temperature_c');

    it('a restart does not forget a pending forSec window', async () => {
      await restart().handle(temperature(90));
      clock.advance(30_000);
      await restart().handle(temperature(90));
      expect(await open()).toMatchObject({ severity: 'major', count: 1, details: { value: 90, breach: 'max' } });
    });

    it('a replayed reading raises once', async () => {
      const equipment = restart();
      await equipment.handle(temperature(90));
      clock.advance(30_000);
      const m = temperature(91);
      await equipment.handle(m);
      await equipment.handle(m);
      expect(await open()).toMatchObject({ count: 1 });
    });

    it('stores a state and its alert in a derived transaction (rebuilt from committed messages, so no fsync of its own)', async () => {
      const asked: (TransactionOptions | undefined)[] = [];
      const db: Database = {
        kind: t.db.kind,
        query: (sql, params) => t.db.query(sql, params),
        exec: (sql) => t.db.exec(sql),
        close: async () => undefined,
        transaction: (work, options) => (asked.push(options), t.db.transaction(work, options)),
        queryDerived: (sql, params) => (asked.push({ derived: true }), t.db.queryDerived(sql, params)),
        session: (name) => t.db.session(name),
      };
      const equipment = new EquipmentService(new EquipmentRepository(db), alerts, sites);
      await equipment.handle(temperature(90));
      clock.advance(30_000);
      await equipment.handle(temperature(91));
      expect(await open()).toMatchObject({ count: 1 });
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.every((o) => o?.derived === true)).toBe(true);
    });

    it('a crash after the state was stored but before the alert: the replay raises it', async () => {
      const repo = new EquipmentRepository(t.db);
      await restart().handle(temperature(90));
      clock.advance(30_000);
      const m = temperature(91);
      await repo.applyReadings({ siteId: 'testsite', sensorId: 'boiler-1', seq: m.seq, at: clock.now(), readings: { temperature_c: 91 } }, () => ({
        state: { status: 'raised', outSince: new Date('2026-11-27T01:30:00Z'), lastAt: clock.now(), lastValue: 91 },
        action: 'raise',
      }));
      expect(await open()).toBeUndefined();
      await restart().handle(m);
      expect(await open()).toMatchObject({ count: 1, details: { value: 91, breach: 'max' } });
      expect((await open())!.message).toMatch(/温度 91 °C，高于上限 85 °C/);
    });

    /** Alerts whose write fails in the database, inside the state's statement (a NOT NULL column left null). */
    const failingAlerts = () => {
      const failing = Object.create(alerts) as AlertsService;
      failing.writes = (changes) => {
        const writes = alerts.writes(changes);
        return {
          ...writes,
          sql: (param) => {
            const sql = writes.sql(param);
            return { ...sql, ctes: [...sql.ctes, 'alert_crash AS (INSERT INTO alerts (site_id) VALUES (NULL) RETURNING 1)'] };
          },
        };
      };
      return failing;
    };

    it('a raise and a clear in one batch, and the raise failing to write its alert: neither state is stored; the retry raises it, then clears it', async () => {
      await restart().handle(temperature(90)); // pending: forSec 30
      clock.advance(30_000);
      const over = temperature(91);
      const back = temperature(70);
      const crashed = new EquipmentService(new EquipmentRepository(t.db), failingAlerts(), sites);
      await expect(crashed.applyBatch([over, back])).rejects.toThrow(/null value/);
      // The state of `over` and its alert are one statement: neither was stored.
      expect((await restart().list('testsite'))[0]!.limits[0]).toMatchObject({ status: 'pending', lastValue: 90 });
      await restart().applyBatch([over, back]);
      const rows = await alerts.list({ type: 'sensor.threshold', subject: 'boiler-1:temperature_c', limit: 10 });
      expect(rows.map((a) => [a.status, a.details?.value])).toEqual([['cleared', 91]]);
    });

    it('a batch tells each alert to the screens as its statement commits; the followers (work orders) run after its last statement, in order, and the batch ends only after them', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const followed: string[] = [];
      alerts.follow({
        name: 'slow-orders',
        alertChanged: async (c) => {
          followed.push(`${c.change} ${c.alert.subject}`);
          await held;
        },
      });
      const told: string[] = [];
      alerts.changes$.subscribe((c) => told.push(`${c.change} ${c.alert.subject}`));
      const e8Told = firstValueFrom(alerts.changes$.pipe(filter((c) => c.alert.subject === 'boiler-1:E8'), timeout(5_000)));
      let ended = false;
      // Two faults: two statements (each ends after a message that calls for an alert).
      const applying = restart()
        .applyBatch([msg('event', { type: 'fault', code: 'E7' }), msg('event', { type: 'fault', code: 'E8' })])
        .then(() => (ended = true));
      // E8 reaches the screens while E7's follower is still held (it used to wait for it: the
      // second alarm of a lane waited for the first one's work order, 100-250 ms under load).
      await e8Told;
      expect(told).toEqual(['raised boiler-1:E7', 'raised boiler-1:E8']);
      expect(ended).toBe(false);
      release();
      await applying;
      expect(followed).toEqual(['raised boiler-1:E7', 'raised boiler-1:E8']);
    });

    it('a fault and its alert commit together, for a sensor held or not: an alert that cannot be written leaves the fault unstored, and nothing is announced', async () => {
      const announced: string[] = [];
      alerts.changes$.subscribe((c) => announced.push(`${c.change} ${c.alert.subject}`));
      const repo = new EquipmentRepository(t.db);
      await new EquipmentService(repo, alerts, sites).handle(temperature(60)); // the sensor is held by repo from here on
      for (const crashed of [new EquipmentService(repo, failingAlerts(), sites), new EquipmentService(new EquipmentRepository(t.db), failingAlerts(), sites)]) {
        const fault = msg('event', { type: 'fault', code: 'E7' });
        await expect(crashed.handle(fault)).rejects.toThrow(/null value/);
        expect((await restart().list('testsite'))[0]!.faults).toEqual([]);
        expect(await alerts.findOpen('testsite', 'equipment.fault', 'boiler-1:E7')).toBeUndefined();
        expect(announced).toEqual([]);
      }
      const fault = msg('event', { type: 'fault', code: 'E7' });
      await new EquipmentService(repo, alerts, sites).handle(fault);
      expect((await restart().list('testsite'))[0]!.faults).toEqual(['E7']);
      expect(await alerts.findOpen('testsite', 'equipment.fault', 'boiler-1:E7')).toMatchObject({ count: 1 });
      expect(announced).toEqual(['raised boiler-1:E7']);
    });

    describe('the states held between batches (one statement on an alarm\'s way, issue 9.4)', () => {
      /** The database, counting statements sent on their own and transactions. */
      const counting = () => {
        const sent = { derived: 0, transactions: 0 };
        const db: Database = {
          kind: t.db.kind,
          query: (sql, params) => t.db.query(sql, params),
          exec: (sql) => t.db.exec(sql),
          close: async () => undefined,
          transaction: (work, options) => (sent.transactions++, t.db.transaction(work, options)),
          queryDerived: (sql, params) => (sent.derived++, t.db.queryDerived(sql, params)),
          session: (name) => t.db.session(name),
        };
        return { db, sent };
      };

      it('a sensor applied here before: its fault and the alert are one statement, no transaction', async () => {
        const { db, sent } = counting();
        const equipment = new EquipmentService(new EquipmentRepository(db), alerts, sites);
        await equipment.handle(temperature(60));
        expect(sent).toEqual({ derived: 0, transactions: 1 }); // not held yet: locked and read first
        await equipment.handle(msg('event', { type: 'fault', code: 'E7' }));
        expect(sent).toEqual({ derived: 1, transactions: 1 });
        expect(await alerts.findOpen('testsite', 'equipment.fault', 'boiler-1:E7')).toMatchObject({ count: 1 });
        expect((await restart().list('testsite'))[0]).toMatchObject({ faults: ['E7'], readings: { temperature_c: 60 } });
      });

      it('a stored state changed since it was held (another server applied a message) is not overwritten: read again and judged again', async () => {
        const here = new EquipmentService(new EquipmentRepository(t.db), alerts, sites);
        await here.handle(temperature(60));
        await restart().handle(msg('event', { type: 'fault', code: 'E1' })); // elsewhere
        await here.handle(msg('event', { type: 'fault', code: 'E2' }));
        expect((await restart().list('testsite'))[0]!.faults).toEqual(['E1', 'E2']);
      });

      it('a message the held state says was applied is judged by the stored state (which a crash of PostgreSQL may have put behind)', async () => {
        const here = new EquipmentService(new EquipmentRepository(t.db), alerts, sites);
        await here.handle(temperature(60));
        const fault = msg('event', { type: 'fault', code: 'E7' });
        await here.handle(fault);
        // The derived commit of the fault lost with PostgreSQL's WAL: state and alert as before it.
        await t.db.query(`UPDATE sensor_states SET last_seq = $1, faults = '[]'`, [fault.seq - 1]);
        await t.db.query('DELETE FROM alerts');
        await here.handle(fault); // the pipeline applies it again from its cursor
        expect((await restart().list('testsite'))[0]!.faults).toEqual(['E7']);
        expect(await alerts.findOpen('testsite', 'equipment.fault', 'boiler-1:E7')).toMatchObject({ count: 1 });
      });
    });

    it('a metric without a limit and a message without the metric leave the limit alone', async () => {
      const equipment = restart();
      await equipment.handle(temperature(90));
      clock.advance(600_000);
      await equipment.handle(msg('telemetry', { readings: { pressure_bar: 2.1 } }));
      expect(await open()).toBeUndefined();
      const [s] = await equipment.list('testsite');
      expect(s!.readings).toEqual({ temperature_c: 90, pressure_bar: 2.1 });
      expect(s!.limits[0]).toMatchObject({ metric: 'temperature_c', status: 'pending', outSince: '2026-11-27T01:30:00.000Z' });
    });

    describe('urgent: what goes ahead of the backlog (issue 14), asked of every message before its commit', () => {
      const critical = (limits: string) =>
        parseSiteConfig(testSiteYaml().replace('      temperature_c: { min: 40, max: 85, forSec: 30, hysteresis: 2 }\n', `      temperature_c: { min: 40, max: 85, forSec: 30, hysteresis: 2 }\n${limits}`), 'critical.yaml');
      const withCritical = critical('      leak: { equals: true, severity: critical }\n      pressure_bar: { max: 3, severity: critical }\n');
      it.each([
        { name: 'a fault', stream: 'event', payload: { type: 'fault', code: 'E1' }, urgent: true },
        { name: 'a fault cleared', stream: 'event', payload: { type: 'fault_cleared', code: 'E1' }, urgent: false },
        { name: 'past a major limit', stream: 'telemetry', payload: { readings: { temperature_c: 99 } }, urgent: false },
        { name: 'a leak (critical, equals)', stream: 'telemetry', payload: { readings: { temperature_c: 60, leak: true } }, urgent: true },
        { name: 'no leak', stream: 'telemetry', payload: { readings: { leak: false } }, urgent: false },
        { name: 'past a critical max', stream: 'telemetry', payload: { readings: { pressure_bar: 3.1 } }, urgent: true },
        { name: 'on a critical max (in range)', stream: 'telemetry', payload: { readings: { pressure_bar: 3 } }, urgent: false },
      ] as const)('$name → $urgent', ({ stream, payload, urgent }) => {
        const equipment = new EquipmentService(new EquipmentRepository(t.db), alerts, new SitesService([withCritical], t.db));
        const { seq: _, ...m } = msg(stream, payload);
        expect(equipment.urgent(m)).toBe(urgent);
      });

      it('a site reload that removes a critical limit is heard; a last will and an unknown sensor are never urgent', () => {
        const reloadable = new SitesService([withCritical], t.db);
        const equipment = new EquipmentService(new EquipmentRepository(t.db), alerts, reloadable);
        const leak = msg('telemetry', { readings: { leak: true } });
        expect(equipment.urgent(leak)).toBe(true);
        expect(equipment.urgent({ ...leak, lastWill: true })).toBe(false);
        expect(equipment.urgent({ ...leak, deviceId: 'no-such-sensor' })).toBe(false);
        reloadable.replace([critical('      leak: { equals: true }\n')]);
        expect(equipment.urgent(leak)).toBe(false);
      });
    });

    describe('forewarned (issue 9.4): the alert the lane will raise, told to the screens before the commit', () => {
      const withLeak = parseSiteConfig(
        testSiteYaml().replace('      temperature_c: { min: 40, max: 85, forSec: 30, hysteresis: 2 }\n', '      temperature_c: { min: 40, max: 85, forSec: 30, hysteresis: 2 }\n      leak: { equals: true, severity: critical }\n      pressure_bar: { max: 3, severity: critical, forSec: 10 }\n'),
        'leak.yaml',
      );
      let equipment: EquipmentService;
      let told: AlertChanged[];
      beforeEach(async () => {
        equipment = new EquipmentService(new EquipmentRepository(t.db), alerts, new SitesService([withLeak], t.db));
        await alerts.onApplicationBootstrap();
        told = [];
        alerts.changes$.subscribe((c) => told.push(c));
      });
      const ahead = (m: AcceptedMessage) => {
        const { seq: _, ...before } = m;
        return equipment.forewarn(before);
      };
      const story = () => told.map((c) => `${c.change}${c.forewarned ? ' ahead' : ''} ${c.alert.subject}`);

      it('a fault: told at once, then the lane stores it under the id told', async () => {
        const fault = msg('event', { type: 'fault', code: 'E1' });
        expect(ahead(fault)).toBeTypeOf('function');
        expect(story()).toEqual(['raised ahead boiler-1:E1']);
        await equipment.handle(fault);
        expect(story()).toEqual(['raised ahead boiler-1:E1', 'raised boiler-1:E1']);
        expect((await alerts.findOpen('testsite', 'equipment.fault', 'boiler-1:E1'))!.id).toBe(told[0]!.alert.id);
        // A repeat of the open fault is not told ahead: its count comes from the row.
        expect(ahead(msg('event', { type: 'fault', code: 'E1' }))).toBeUndefined();
      });

      it('a leak: told on the first message after a start (no forSec: ok, or raised with its alert open), then judged on the held state', async () => {
        const leak = msg('telemetry', { readings: { leak: true } });
        expect(ahead(leak)).toBeTypeOf('function');
        await equipment.handle(leak);
        expect(story()).toEqual(['raised ahead boiler-1:leak', 'raised boiler-1:leak']);
        expect(await alerts.findOpen('testsite', 'sensor.threshold', 'boiler-1:leak')).toMatchObject({ id: told[0]!.alert.id, severity: 'critical', count: 1 });
        // Still leaking: the state is raised, nothing new to tell.
        expect(ahead(msg('telemetry', { readings: { leak: true } }))).toBeUndefined();
        // A limit with a forSec window is judged only on a held state: not before this sensor's first message here.
        const fresh = new EquipmentService(new EquipmentRepository(t.db), alerts, new SitesService([withLeak], t.db));
        const { seq: _, ...pressure } = msg('telemetry', { readings: { pressure_bar: 9 } });
        expect(fresh.forewarn(pressure)).toBeUndefined();
      });

      it('what the lane, judging in order, does not raise is withdrawn once the message is applied', async () => {
        await equipment.handle(msg('telemetry', { readings: { pressure_bar: 3.5 } })); // pending from now, forSec 10
        clock.advance(5_000);
        const backInRange = msg('telemetry', { readings: { pressure_bar: 2 } }); // not applied yet: the backlog
        clock.advance(6_000);
        const over = msg('telemetry', { readings: { pressure_bar: 3.6 } });
        expect(ahead(over)).toBeTypeOf('function'); // the held state: out of range for 11 s
        await equipment.applyBatch([backInRange, over]); // in order: back in range, then out again since now
        expect(story()).toEqual(['raised ahead boiler-1:pressure_bar', 'withdrawn ahead boiler-1:pressure_bar']);
        expect(told[1]!.alert).toMatchObject({ id: told[0]!.alert.id, withdrawn: true });
        expect(await alerts.findOpen('testsite', 'sensor.threshold', 'boiler-1:pressure_bar')).toBeUndefined();
      });
    });

    it("a batch does not wait for its sensor events' reads; what changes meanwhile is announced once after, as it stands then", async () => {
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      const repo = new EquipmentRepository(t.db);
      const read = repo.sensorsByKey.bind(repo);
      let reads = 0;
      repo.sensorsByKey = async (keys) => (reads++ === 0 && (await held), read(keys));
      const equipment = new EquipmentService(repo, alerts, sites);
      const live: { id: string; value: unknown }[] = [];
      equipment.changes$.subscribe((s) => live.push({ id: s.id, value: s.readings.temperature_c }));
      await equipment.handle(temperature(70));
      await equipment.handle(temperature(71));
      await equipment.handle(temperature(72));
      expect(live).toEqual([]);
      release();
      await equipment.announced();
      expect(live.map((l) => l.value)).toEqual([72, 72]);
      expect(reads).toBe(2);
    });

    it('a replayed fault event does not count twice; a fresh repeat does', async () => {
      const equipment = restart();
      const fault = msg('event', { type: 'fault', code: 'E7' });
      await equipment.handle(fault);
      await equipment.handle(fault);
      expect(await alerts.findOpen('testsite', 'equipment.fault', 'boiler-1:E7')).toMatchObject({ count: 1 });
      await equipment.handle(msg('event', { type: 'fault', code: 'E7' }));
      expect(await alerts.findOpen('testsite', 'equipment.fault', 'boiler-1:E7')).toMatchObject({ count: 2 });
    });
  });
}
