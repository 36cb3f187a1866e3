// Issue 5 (parking) end to end: a real MQTT gate over TCP → occupancy, parking.full, stuck open and
// fault alerts over HTTP and live; a remote open answered by the gate's own ack, refused to an
// operator, timing out and audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { buildTopic, type AlertDto, type GateCommand, type GateCommandDto, type GateOpenResult, type LiveEvents, type ParkingLotDto, type WorkOrderDto } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { ManualClock } from '../apps/server/src/common/clock';
import { ParkingService } from '../apps/server/src/parking/parking.service';
import { testSite } from '../apps/server/src/sites/sites.testing';
import { api, connectDevice, connected, connectLive, eventually, login, nextEvent, startTestServer } from './support/server';

const site = testSite();
const gateTopic = (stream: 'event' | 'telemetry' | 'ack' | 'cmd') => buildTopic({ site: 'testsite', kind: 'gate', device: 'gate-1', stream });

describe('parking: gate passes, barrier alerts and remote open', () => {
  let server: RunningServer;
  let clock: ManualClock;
  let operator: string;
  let supervisor: string;
  let live: Socket<LiveEvents>;
  let gate: MqttClient;
  let n = 0;
  /** Whether the test gate answers commands. */
  let acking = true;

  beforeAll(async () => {
    clock = new ManualClock(new Date());
    server = await startTestServer({ clock, parkingSweepIntervalMs: 20, env: { gateAckTimeoutMs: 1_000 } });
    operator = (await login(server)).token;
    supervisor = (await login(server, 'supervisor')).token;
    live = await connectLive(server, operator);
    gate = await connected(await connectDevice(server, site, 'gate', 'gate-1'));
    // The gate as firmware does it: subscribe to its own cmd topic and ack each command by its id.
    await gate.subscribeAsync(gateTopic('cmd'), { qos: 1 });
    gate.on('message', (topic, payload) => {
      if (topic !== gateTopic('cmd') || !acking) return;
      const cmd = JSON.parse(payload.toString()) as GateCommand;
      void gate.publishAsync(gateTopic('ack'), JSON.stringify({ id: cmd.id, ts: clock.now().toISOString(), ok: cmd.action === 'open' }), { qos: 1 });
    });
  });

  afterAll(async () => {
    live?.close();
    gate?.end(true);
    await server?.close();
  });

  const publish = (stream: 'event' | 'telemetry', body: Record<string, unknown>, id = `m-${++n}`) =>
    gate.publishAsync(gateTopic(stream), JSON.stringify({ id, ts: clock.now().toISOString(), ...body }), { qos: 1 });
  const pass = (direction: 'in' | 'out', id?: string) => publish('event', { type: 'pass', direction, credential: 'plate', plate: `沪A${n}` }, id);
  const lot = async () => (await api<ParkingLotDto[]>(server, operator, '/api/parking/lots')).body.find((l) => l.id === 'lot-1')!;
  const occupancyIs = (occupancy: number) => eventually(lot, (l) => l.occupancy === occupancy);

  it('passes in fill the lot; at capacity parking.full is raised, live and over HTTP', async () => {
    for (let i = 0; i < 9; i++) await pass('in');
    expect((await occupancyIs(9)).full).toBe(false);
    const full = nextEvent(live, 'alert', (a) => a.type === 'parking.full' && a.status === 'active');
    const lotLive = nextEvent(live, 'parking', (l) => l.id === 'lot-1' && l.occupancy === 10);
    await pass('in', 'tenth-car');
    expect(await lotLive).toMatchObject({ free: 0, full: true });
    expect(await full).toMatchObject({ subject: 'lot-1', severity: 'minor', details: { occupancy: 10, capacity: 10 } });
    const l = await occupancyIs(10);
    expect(l).toMatchObject({ capacity: 10, occupancy: 10, free: 0, full: true });
    expect(l.gates[0]).toMatchObject({ id: 'gate-1', lastPass: { direction: 'in', credential: 'plate' } });
  });

  it('a redelivered pass (same id) counts once', async () => {
    await pass('in', 'tenth-car');
    await pass('out');
    expect((await occupancyIs(9)).occupancy).toBe(9);
  });

  it('one car leaving a lot of 10 clears parking.full (9 is below 95 %)', async () => {
    const alerts = await eventually(
      async () => (await api<AlertDto[]>(server, operator, '/api/alerts?type=parking.full')).body,
      (a) => a[0]?.status === 'cleared',
    );
    expect(alerts).toHaveLength(1);
  });

  it('more cars out than in: the count stays at 0 and the clamp is recorded', async () => {
    for (let i = 0; i < 10; i++) await pass('out');
    const l = await eventually(lot, (x) => x.negativeClamps24h === 1);
    expect(l).toMatchObject({ occupancy: 0, free: 10 });
    const reconciled = await api<ParkingLotDto[]>(server, supervisor, '/api/parking/reconcile', { method: 'POST' });
    expect(reconciled.body.find((x) => x.id === 'lot-1')?.lastReconciliation?.flags).toEqual(['negative_clamps']);
  });

  it('a barrier open past stuckOpenSec raises gate.stuck_open on the sweep and a parking order; closing clears it', async () => {
    await publish('telemetry', { barrier: 'open' });
    await eventually(lot, (l) => l.gates[0]?.barrier === 'open');
    clock.advance(120_000);
    await server.app.get(ParkingService).sweepStuckOpen(clock.now()); // a sweep at exactly stuckOpenSec: not yet
    expect((await api<AlertDto[]>(server, operator, '/api/alerts?type=gate.stuck_open')).body).toEqual([]);
    const order = nextEvent(live, 'workOrder', (o) => o.originKey === 'gate.stuck_open:gate-1');
    const stuck = nextEvent(live, 'alert', (a) => a.type === 'gate.stuck_open');
    clock.advance(1_000);
    expect(await stuck).toMatchObject({ subject: 'gate-1', severity: 'major', status: 'active' });
    expect(await order).toMatchObject({ department: 'parking', status: 'dispatched' });
    const cleared = nextEvent(live, 'alert', (a) => a.type === 'gate.stuck_open' && a.status === 'cleared');
    await publish('telemetry', { barrier: 'closed' });
    await cleared;
  });

  it('a barrier fault raises gate.fault with its code; open or closed again clears it', async () => {
    const fault = nextEvent(live, 'alert', (a) => a.type === 'gate.fault');
    await publish('telemetry', { barrier: 'fault', fault: 'E12' });
    expect(await fault).toMatchObject({ subject: 'gate-1', status: 'active', details: { fault: 'E12' } });
    expect((await lot()).gates[0]).toMatchObject({ barrier: 'fault', fault: 'E12' });
    const cleared = nextEvent(live, 'alert', (a) => a.type === 'gate.fault' && a.status === 'cleared');
    // The alert's follower closes its order after the clear is told: wait for the order's own event.
    const verified = nextEvent(live, 'workOrder', (o) => o.originKey === 'gate.fault:gate-1' && o.status === 'verified');
    await publish('telemetry', { barrier: 'closed' });
    await cleared;
    await verified;
    const orders = await api<WorkOrderDto[]>(server, operator, '/api/work-orders?source=alert&department=engineering');
    expect(orders.body.find((o) => o.originKey === 'gate.fault:gate-1')?.status).toBe('verified');
  });

  it('a supervisor opens the gate remotely: cmd at QoS 1 to the gate, answered with its ack', async () => {
    const res = await api<GateOpenResult>(server, supervisor, '/api/gates/gate-1/open', { method: 'POST', body: JSON.stringify({ reason: '救护车进入' }) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, commandId: expect.stringMatching(/^cmd-/), ackedAt: expect.any(String) });
  });

  it('an operator may not open a gate; a reason is required', async () => {
    const denied = await api(server, operator, '/api/gates/gate-1/open', { method: 'POST', body: JSON.stringify({ reason: 'x' }) });
    expect(denied.status).toBe(403);
    const bare = await api<{ message: string }>(server, supervisor, '/api/gates/gate-1/open', { method: 'POST', body: '{}' });
    expect(bare.status).toBe(400);
    expect(bare.body.message).toMatch(/reason/);
    expect((await api(server, supervisor, '/api/gates/no-such-gate/open', { method: 'POST', body: JSON.stringify({ reason: 'x' }) })).status).toBe(404);
  });

  it('a gate that does not answer: 504 with a clear message, audited as timeout', async () => {
    acking = false;
    clock.advance(1_000);
    const res = await api<{ message: string }>(server, supervisor, '/api/gates/gate-1/open', { method: 'POST', body: JSON.stringify({ reason: '访客无卡' }) });
    acking = true;
    expect(res.status).toBe(504);
    expect(res.body.message).toMatch(/gate-1 did not acknowledge command cmd-\S+ within 1 s/);
    const audit = await api<GateCommandDto[]>(server, supervisor, '/api/gates/gate-1/commands');
    expect(audit.status).toBe(200);
    expect(audit.body.map((c) => [c.result, c.by, c.reason])).toEqual([
      ['timeout', 'supervisor', '访客无卡'],
      ['acked', 'supervisor', '救护车进入'],
    ]);
    expect((await api(server, operator, '/api/gates/gate-1/commands')).status).toBe(403);
  });
});
