// Storage behaviour of parking (issue 5), run on PGlite (unit suite) and PostgreSQL (service suite):
// once per seq across a replay, clamps, stale barrier reports, the stuck-open sweep, the nightly
// check and the command audit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceKind, UpstreamStream } from '@estate-watch/contracts';
import { AlertsRepository } from '../alerts/alerts.repository';
import { AlertsService } from '../alerts/alerts.service';
import { ManualClock } from '../common/clock';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/database.testing';
import type { AcceptedMessage } from '../ingest/accepted-message';
import { SitesService } from '../sites/sites.service';
import { testSite } from '../sites/sites.testing';
import { GateCommandsRepository } from './gate-commands.repository';
import { ParkingRepository } from './parking.repository';
import { ParkingService } from './parking.service';

export function parkingSuite(backend: Backend): void {
  describe(`parking on ${backend}`, () => {
    let t: TestDatabase;
    let clock: ManualClock;
    let alerts: AlertsService;
    let repo: ParkingRepository;
    let sites: SitesService;
    let parking: ParkingService;
    let seq = 0;

    beforeAll(async () => {
      t = await openTestDatabase(backend);
    });
    afterAll(async () => t.drop());
    beforeEach(async () => {
      for (const table of ['alerts', 'parking_lots', 'parking_gates', 'parking_anomalies', 'gate_commands']) await t.db.query(`DELETE FROM ${table}`);
      clock = new ManualClock('2026-11-27T01:30:00Z'); // 09:30 in Asia/Shanghai
      sites = new SitesService([testSite()], t.db);
      alerts = new AlertsService(new AlertsRepository(t.db, sites), clock);
      repo = new ParkingRepository(t.db);
      parking = new ParkingService(repo, alerts, sites, clock);
    });

    const msg = (stream: UpstreamStream, payload: Record<string, unknown>, kind: DeviceKind = 'gate'): AcceptedMessage => {
      seq++;
      const at = clock.now();
      return { seq, siteId: 'testsite', kind, deviceId: 'gate-1', stream, msgId: `m${seq}`, payload: { id: `m${seq}`, ts: at.toISOString(), ...payload }, observedAt: at, receivedAt: at, lastWill: false };
    };
    const pass = (direction: 'in' | 'out') => msg('event', { type: 'pass', direction, credential: 'card' });
    const occupancy = async () => (await parking.lots('testsite'))[0]!;

    it('a message replayed after a crash counts once', async () => {
      const m = pass('in');
      await parking.handle(m);
      await parking.handle(m);
      expect((await occupancy()).occupancy).toBe(1);
    });

    it('a denied event moves no car; a buffered older pass counts but the newest stays the last pass', async () => {
      await parking.handle(msg('event', { type: 'denied', direction: 'in', reason: 'blacklist' }));
      expect((await occupancy()).occupancy).toBe(0);
      await parking.handle(msg('event', { type: 'pass', direction: 'in', credential: 'card', plate: 'NEW' }));
      const older = msg('event', { type: 'pass', direction: 'in', credential: 'ticket', plate: 'OLD' });
      await parking.handle({ ...older, observedAt: new Date(clock.now().getTime() - 60_000) });
      const lot = await occupancy();
      expect(lot.occupancy).toBe(2);
      expect(lot.gates[0]!.lastPass).toMatchObject({ plate: 'NEW', at: clock.now().toISOString() });
    });

    it('an out pass at 0 is clamped and recorded once, even when replayed', async () => {
      const m = pass('out');
      await parking.handle(m);
      await parking.handle(m);
      expect(await occupancy()).toMatchObject({ occupancy: 0, negativeClamps24h: 1 });
    });

    it('a crash after the count was stored but before the alert: the replay raises parking.full', async () => {
      for (let i = 0; i < 9; i++) await parking.handle(pass('in'));
      const tenth = pass('in');
      // What the handler does first, as if the process died right after it.
      await repo.applyGateEvent({ siteId: 'testsite', gateId: 'gate-1', lotId: 'lot-1', capacity: 10, seq: tenth.seq, at: clock.now(), pass: { direction: 'in' } }, (o) => o >= 10);
      expect(await alerts.findOpen('testsite', 'parking.full', 'lot-1')).toBeUndefined();
      await parking.handle(tenth);
      expect(await alerts.findOpen('testsite', 'parking.full', 'lot-1')).toMatchObject({ count: 1 });
      await parking.handle(tenth);
      expect(await alerts.findOpen('testsite', 'parking.full', 'lot-1')).toMatchObject({ count: 1 });
    });

    it('a batch, a crash after its first commit, the batch again: the same state, each clamp and alert once', async () => {
      const barrier = (state: 'fault' | 'closed') => msg('telemetry', state === 'fault' ? { barrier: 'fault', fault: 'E1' } : { barrier: 'closed' });
      // clamp at 0; ten in → full (the transaction ends there); two out → 8 < 9.5 clears; one in; a fault and its clear.
      const batch = [pass('out'), ...Array.from({ length: 10 }, () => pass('in')), pass('out'), pass('out'), pass('in'), barrier('fault'), barrier('closed')];
      const failing = Object.create(alerts) as AlertsService;
      failing.raise = () => Promise.reject(new Error('crash before the alert'));
      const crashed = new ParkingService(repo, failing, new SitesService([testSite()], t.db), clock);
      await expect(crashed.applyBatch(batch)).rejects.toThrow('crash before the alert');
      // Committed: up to the pass that filled the lot, nothing after it.
      expect(await occupancy()).toMatchObject({ occupancy: 10, full: true, negativeClamps24h: 1 });
      expect(await alerts.findOpen('testsite', 'parking.full', 'lot-1')).toBeUndefined();

      await parking.applyBatch(batch);
      await parking.applyBatch(batch); // and once more, as a second crash after the last commit would
      const lot = await occupancy();
      expect(lot).toMatchObject({ occupancy: 9, full: false, negativeClamps24h: 1 });
      expect(lot.gates[0]).toMatchObject({ barrier: 'closed' });
      const history = async (type: 'parking.full' | 'gate.fault') => (await alerts.list({ type, limit: 10 })).map((a) => [a.status, a.count, a.details]);
      expect(await history('parking.full')).toEqual([['cleared', 1, { occupancy: 10, capacity: 10 }]]);
      expect(await history('gate.fault')).toEqual([['cleared', 1, { fault: 'E1' }]]);
      const [{ n }] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM parking_anomalies WHERE kind = 'negative_clamp'");
      expect(n).toBe(1);
    });

    it('a batch applies each lot and gate once: the count of many passes, the newest pass, clamps in seq order', async () => {
      const batch = [pass('in'), pass('in'), pass('out'), pass('out'), pass('out'), pass('in')];
      await parking.applyBatch(batch);
      // 1, 2, 1, 0, clamped at 0 (not −1), 1: the clamp is judged in order, not on the net sum (0).
      expect(await occupancy()).toMatchObject({ occupancy: 1, negativeClamps24h: 1 });
      expect((await occupancy()).gates[0]!.lastPass).toMatchObject({ direction: 'in', at: clock.now().toISOString() });
    });

    it('stuck open: not at exactly stuckOpenSec, raised 1 s after, once; a report older than the last changes nothing; closing clears', async () => {
      await parking.handle(msg('telemetry', { barrier: 'open' }));
      const openedAt = clock.now();
      clock.advance(120_000);
      expect(await parking.sweepStuckOpen()).toBe(0);
      clock.advance(1_000);
      expect(await parking.sweepStuckOpen()).toBe(1);
      expect(await parking.sweepStuckOpen()).toBe(0);
      expect(await alerts.findOpen('testsite', 'gate.stuck_open', 'gate-1')).toMatchObject({ count: 1 });
      // A heartbeat repeating "open" keeps the moment it opened.
      await parking.handle(msg('telemetry', { barrier: 'open' }));
      expect((await occupancy()).gates[0]!.barrierSince).toBe(openedAt.toISOString());
      // A buffered "closed" from before it opened is stale.
      const stale = msg('telemetry', { barrier: 'closed' });
      await parking.handle({ ...stale, observedAt: new Date(openedAt.getTime() - 1000) });
      expect((await occupancy()).gates[0]!.barrier).toBe('open');
      await parking.handle(msg('telemetry', { barrier: 'closed' }));
      expect(await alerts.findOpen('testsite', 'gate.stuck_open', 'gate-1')).toBeUndefined();
    });

    it('stuck open: a closing applied after the sweep read the open barrier, before it raised, leaves no alert open', async () => {
      await parking.handle(msg('telemetry', { barrier: 'open' }));
      clock.advance(121_000);
      // The sweep has read the barrier open; the gate's "closed" is applied before it raises.
      const readBeforeClosing = await repo.openGates();
      await parking.handle(msg('telemetry', { barrier: 'closed' }));
      const late = Object.assign(Object.create(repo) as ParkingRepository, { openGates: async () => readBeforeClosing });
      expect(await new ParkingService(late, alerts, sites, clock).sweepStuckOpen()).toBe(0);
      expect(await alerts.findOpen('testsite', 'gate.stuck_open', 'gate-1')).toBeUndefined();
      expect((await occupancy()).gates[0]).toMatchObject({ barrier: 'closed' });
    });

    it('stuck open: an opening longer than stuckOpenSec that closed before any sweep looked leaves the alert the sweep would have, raised and cleared', async () => {
      // What a server that swept in time keeps: the alert, cleared by the closing, and in the control room's list until acknowledged.
      const history = async () => (await alerts.list({ type: 'gate.stuck_open', limit: 10 })).map((a) => [a.status, a.count, a.acknowledgedAt ?? null]);
      const openThenClose = async (sweepBetween: boolean) => {
        await parking.handle(msg('telemetry', { barrier: 'open' }));
        const openedAt = clock.now();
        clock.advance(470_000);
        if (sweepBetween) expect(await parking.sweepStuckOpen(new Date(openedAt.getTime() + 121_000))).toBe(1);
        // Device time 470 s after it opened; applied before or after a sweep looked (a replay whose sweep sees ahead, a server behind).
        await parking.handle(msg('telemetry', { barrier: 'closed' }));
        expect(await parking.sweepStuckOpen()).toBe(0);
        return openedAt;
      };
      await openThenClose(true);
      const swept = await history();
      expect(swept).toEqual([['cleared', 1, null]]);
      await t.db.query('DELETE FROM alerts');
      const openedAt = await openThenClose(false);
      expect(await history()).toEqual(swept);
      const [owed] = await alerts.list({ type: 'gate.stuck_open', limit: 1 });
      expect(owed).toMatchObject({ raisedAt: new Date(openedAt.getTime() + 120_001).toISOString(), clearedAt: clock.now().toISOString(), details: { openSec: 470, stuckOpenSec: 120 } });
      expect((await alerts.list({ status: 'open', limit: 10 })).map((a) => `${a.type} ${a.subject}`)).toEqual(['gate.stuck_open gate-1']);
    });

    it('stuck open: an opening of exactly stuckOpenSec owes nothing; one that ends in a fault owes the alert, still open', async () => {
      await parking.handle(msg('telemetry', { barrier: 'open' }));
      clock.advance(120_000);
      await parking.handle(msg('telemetry', { barrier: 'closed' }));
      expect(await alerts.list({ type: 'gate.stuck_open', limit: 10 })).toEqual([]);
      await parking.handle(msg('telemetry', { barrier: 'open' }));
      clock.advance(300_000);
      await parking.handle(msg('telemetry', { barrier: 'fault', fault: 'E1' }));
      expect(await alerts.findOpen('testsite', 'gate.stuck_open', 'gate-1')).toMatchObject({ count: 1, details: { openSec: 300 } });
      await parking.handle(msg('telemetry', { barrier: 'closed' }));
      expect(await alerts.findOpen('testsite', 'gate.stuck_open', 'gate-1')).toBeUndefined();
    });

    it('stuck open: the owed alert commits with the closing; a crash before its clear, the batch again: raised and cleared once', async () => {
      const batch = [msg('telemetry', { barrier: 'open' })];
      clock.advance(200_000);
      batch.push(msg('telemetry', { barrier: 'closed' }), pass('in'));
      const failing = Object.create(alerts) as AlertsService;
      failing.clear = () => Promise.reject(new Error('crash before the clear'));
      const crashed = new ParkingService(repo, failing, new SitesService([testSite()], t.db), clock);
      await expect(crashed.applyBatch(batch)).rejects.toThrow('crash before the clear');
      expect(await alerts.findOpen('testsite', 'gate.stuck_open', 'gate-1')).toMatchObject({ count: 1 });
      expect((await occupancy()).gates[0]).toMatchObject({ barrier: 'closed' });
      await parking.applyBatch(batch);
      await parking.applyBatch(batch);
      expect((await alerts.list({ type: 'gate.stuck_open', limit: 10 })).map((a) => [a.status, a.count])).toEqual([['cleared', 1]]);
      expect((await occupancy()).occupancy).toBe(1);
    });

    it('sweepDue: the stuck-open instant a barrier that opened brings, and the next 03:00 local; nothing to do 1 ms before either', async () => {
      const due = parking.sweepDue();
      expect(due.leadMs).toBe(120_000);
      // 09:30 local and the lot never reconciled: due now; once reconciled, at 03:00 local tomorrow (19:00Z).
      expect(await due.after(clock.now())).toEqual(clock.now());
      expect(await parking.sweepReconciliation()).toBe(1);
      expect((await due.after(clock.now()))?.toISOString()).toBe('2026-11-27T19:00:00.000Z');
      await parking.handle(msg('telemetry', { barrier: 'open' }));
      const stuckAt = clock.now().getTime() + 120_001;
      expect((await due.after(clock.now()))?.getTime()).toBe(stuckAt);
      clock.set(new Date(stuckAt - 1));
      expect(await parking.sweepStuckOpen()).toBe(0);
      clock.set(new Date(stuckAt));
      expect(await parking.sweepStuckOpen()).toBe(1);
      expect((await due.after(clock.now()))?.toISOString()).toBe('2026-11-27T19:00:00.000Z');
      clock.set('2026-11-27T18:59:59.999Z');
      expect(await parking.sweepReconciliation()).toBe(0);
      clock.set('2026-11-27T19:00:00.000Z');
      expect(await parking.sweepReconciliation()).toBe(1);
    });

    it('gate.fault carries the code; a new code is a repeat; open or closed clears', async () => {
      await parking.handle(msg('telemetry', { barrier: 'fault', fault: 'E1' }));
      await parking.handle(msg('telemetry', { barrier: 'fault', fault: 'E1' })); // heartbeat: no repeat
      await parking.handle(msg('telemetry', { barrier: 'fault', fault: 'E2' }));
      expect(await alerts.findOpen('testsite', 'gate.fault', 'gate-1')).toMatchObject({ count: 2, details: { fault: 'E2' } });
      await parking.handle(msg('telemetry', { barrier: 'open' }));
      expect(await alerts.findOpen('testsite', 'gate.fault', 'gate-1')).toBeUndefined();
    });

    it('the nightly check runs once per site-local day from 03:00 and flags hours over capacity', async () => {
      for (let i = 0; i < 11; i++) await parking.handle(pass('in'));
      clock.set('2026-11-27T18:59:00Z'); // 02:59 local the next day
      expect(await parking.sweepReconciliation()).toBe(0);
      clock.set('2026-11-27T19:00:00Z'); // 03:00 local
      expect(await parking.sweepReconciliation()).toBe(1);
      expect(await parking.sweepReconciliation()).toBe(0);
      expect((await occupancy()).lastReconciliation).toEqual({ day: '2026-11-28', at: '2026-11-27T19:00:00.000Z', flags: ['over_capacity'] });
      const [anomaly] = await t.db.query<{ kind: string }>("SELECT kind FROM parking_anomalies WHERE kind = 'implausible_count'");
      expect(anomaly).toBeDefined();
    });

    it('the command audit: an ack is recorded once and only from the gate commanded; a late ack keeps the time-out', async () => {
      const commands = new GateCommandsRepository(t.db);
      const base = { siteId: 'testsite', gateId: 'gate-1', action: 'open' as const, by: 'supervisor', reason: '救护车', sentAt: clock.now() };
      await commands.insert({ ...base, id: 'cmd-a' });
      expect(await commands.recordAck('cmd-a', 'testsite', 'other-gate', true, undefined, clock.now())).toBeUndefined();
      expect(await commands.recordAck('cmd-a', 'testsite', 'gate-1', false, 'jammed', clock.now())).toMatchObject({ result: 'refused', error: 'jammed' });
      expect(await commands.recordAck('cmd-a', 'testsite', 'gate-1', true, undefined, clock.now())).toBeUndefined();
      await commands.insert({ ...base, id: 'cmd-b' });
      expect(await commands.finish('cmd-b', 'timeout', 'no ack within 10 s')).toBe(true);
      expect(await commands.recordAck('cmd-b', 'testsite', 'gate-1', true, undefined, clock.now())).toMatchObject({ result: 'timeout', error: 'no ack within 10 s; ack arrived late: ok' });
      expect(await commands.finish('cmd-b', 'timeout', 'again')).toBe(false);
    });
  });
}
