// Issue 4 end to end: a real MQTT checkpoint taps over TCP; the round, the patrol.missed alert and the
// round's one work order come out over HTTP and Socket.IO. The server runs on a ManualClock a little
// behind real time, so every tap's `ts` is valid for ingest (≤ 24 h past, never in the future), and
// its patrol sweep runs every 20 ms of real time on that clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { buildTopic, parseSiteConfig, type AlertDto, type LiveEvents, type RoundDto, type WorkOrderDto } from '@estate-watch/contracts';
import { localDateOf, localTimeOf } from '@estate-watch/domain';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { ManualClock } from '../apps/server/src/common/clock';
import { testSiteYaml } from '../apps/server/src/sites/sites.testing';
import { api, connectDevice, connected, liveSocket, login, nextEvent, startTestServer } from './support/server';

const MIN = 60_000;
const CARD = '04A1B2C3D4E5F6';
// R: this minute. The round starts at R − 8 min (tolerance 1): cp-1 window [R−9, R−7], cp-2 planned R−6, window [R−7, R−5].
const R = Math.floor(Date.now() / MIN) * MIN;
const START = new Date(R - 8 * MIN);
const hhmm = localTimeOf(START, 'Asia/Shanghai');
const localDate = localDateOf(START, 'Asia/Shanghai');
const site = parseSiteConfig(
  testSiteYaml().replace(
    '{ id: r1, name: 日间巡查, schedule: ["09:30"], checkpoints: [{ checkpoint: cp-1, offsetMin: 0 }, { checkpoint: cp-2, offsetMin: 20 }] }',
    `{ id: r1, name: 日间巡查, toleranceMin: 1, schedule: ["${hhmm}"], checkpoints: [{ checkpoint: cp-1, offsetMin: 0 }, { checkpoint: cp-2, offsetMin: 2 }] }`,
  ),
  'patrol-e2e.yaml',
);
const tapTopic = (cp: string) => buildTopic({ site: 'testsite', kind: 'checkpoint', device: cp, stream: 'event' });

describe('patrol: checkpoint tap over MQTT → round, alert and work order over HTTP and live', () => {
  let server: RunningServer;
  let clock: ManualClock;
  let token: string;
  let live: Socket<LiveEvents>;
  const readers: MqttClient[] = [];
  let roundId: string;

  beforeAll(async () => {
    clock = new ManualClock(new Date(R - 10 * MIN)); // the site is first seen before the round starts
    server = await startTestServer({ clock, sites: [site], patrolSweepIntervalMs: 20 });
    token = (await login(server)).token;
    live = liveSocket(server, token);
    await new Promise<void>((resolve, reject) => {
      live.once('connect', resolve);
      live.once('connect_error', reject);
    });
  });

  afterAll(async () => {
    live?.close();
    for (const r of readers) r.end(true);
    await server?.close();
  });

  const reader = async (cp: string) => {
    const client = await connected(await connectDevice(server, site, 'checkpoint', cp));
    readers.push(client);
    return client;
  };
  const tap = (client: MqttClient, cp: string, id: string, at: Date, card = CARD) =>
    client.publishAsync(tapTopic(cp), JSON.stringify({ id, ts: at.toISOString(), type: 'tap', card }), { qos: 1 });
  const rounds = async (query = '') => api<RoundDto[]>(server, token, `/api/patrol/rounds${query}`);

  it('lists the day\'s round, planned from the site file in the site time zone, for an operator only', async () => {
    const { status, body } = await rounds(`?date=${localDate}`);
    expect(status).toBe(200);
    const [round] = body.filter((r) => r.routeId === 'r1' && r.start === START.toISOString());
    roundId = round!.id;
    expect(round!.localDate).toBe(localDate);
    expect(round).toMatchObject({ status: 'scheduled', routeName: '日间巡查', compliance: 0, toleranceMin: 1 });
    expect(round!.checkpoints.map((c) => [c.checkpointId, c.plannedAt, c.outcome])).toEqual([
      ['cp-1', START.toISOString(), 'pending'],
      ['cp-2', new Date(R - 6 * MIN).toISOString(), 'pending'],
    ]);
    expect((await rounds('?date=2026-02-30')).status).toBe(400);
    expect((await fetch(`${server.httpUrl}/api/patrol/rounds`)).status).toBe(401);
  });

  it('a tap in the window: live patrol event, on time, round in progress', async () => {
    clock.set(START);
    const cp1 = await reader('cp-1');
    const visited = nextEvent(live, 'patrol', (r) => r.id === roundId && r.checkpoints[0]!.outcome !== 'pending');
    await tap(cp1, 'cp-1', 't-1', new Date(START.getTime() + 20_000));
    const round = await visited;
    expect(round).toMatchObject({ status: 'in_progress', compliance: 0.5 });
    expect(round.checkpoints[0]).toMatchObject({ outcome: 'on_time', guardId: 'G01', guardName: '张伟', flags: [] });
  });

  it('cp-2\'s window closes with no tap: patrol.missed live, the round completed, one work order for the route department', async () => {
    const missed = nextEvent(live, 'alert', (a) => a.type === 'patrol.missed' && a.subject === `${roundId}/cp-2`);
    const completed = nextEvent(live, 'patrol', (r) => r.id === roundId && r.status === 'completed');
    const ordered = nextEvent(live, 'workOrder', (o) => o.originKey === `patrol:${roundId}`);
    clock.set(new Date(R - 5 * MIN + 1)); // 1 ms past the inclusive end: the next sweep marks it
    const alert = await missed;
    expect(alert).toMatchObject({ severity: 'major', status: 'active', siteId: 'testsite' });
    expect(alert.details).toMatchObject({ routeId: 'r1', roundId, checkpointId: 'cp-2' });
    expect(await completed).toMatchObject({ compliance: 0.5, checkpoints: [{ outcome: 'on_time' }, { outcome: 'missed' }] });
    const order = await ordered;
    expect(order).toMatchObject({ source: 'patrol', department: 'security', status: 'dispatched', title: `巡更漏检：日间巡查 ${localDate} ${hhmm} 轮` });
    const listed = await api<WorkOrderDto[]>(server, token, '/api/work-orders?source=patrol');
    expect(listed.body.map((o) => o.id)).toEqual([order.id]);
    const [stored] = (await rounds(`?date=${localDate}`)).body.filter((r) => r.id === roundId);
    expect(stored).toMatchObject({ status: 'completed', compliance: 0.5 });
  });

  it('the guard\'s buffered tap arrives, its ts inside the window: on time again, the missed alert clears', async () => {
    const cp2 = await reader('cp-2');
    const cleared = nextEvent(live, 'alert', (a) => a.type === 'patrol.missed' && a.subject === `${roundId}/cp-2` && a.status === 'cleared');
    const turned = nextEvent(live, 'patrol', (r) => r.id === roundId && r.checkpoints[1]!.outcome === 'on_time');
    await tap(cp2, 'cp-2', 'buffered-1', new Date(R - 6 * MIN + 30_000));
    expect((await cleared).clearedAt).toBeDefined();
    expect(await turned).toMatchObject({ status: 'completed', compliance: 1 });
    const open = await api<AlertDto[]>(server, token, '/api/alerts?status=active&type=patrol.missed');
    expect(open.body).toEqual([]);
  });

  it('an unregistered card raises patrol.unknown_card on the checkpoint, with the card', async () => {
    const [cp1] = readers;
    const raised = nextEvent(live, 'alert', (a) => a.type === 'patrol.unknown_card');
    await tap(cp1!, 'cp-1', 'stranger-1', clock.now(), 'DEADBEEF00');
    const alert = await raised;
    expect(alert).toMatchObject({ severity: 'major', subject: 'cp-1', details: { card: 'DEADBEEF00' } });
  });
});
