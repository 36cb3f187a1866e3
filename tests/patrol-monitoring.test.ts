// Issue 8, point 2, end to end: a site first monitored in the middle of a round. Its closed
// window is `unmonitored` (no alert, no order), the rest of the round is tracked from real MQTT
// taps, and a buffered tap still classifies the unmonitored window. The server runs on a
// ManualClock a little behind real time, so every tap's `ts` is valid for ingest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { buildTopic, parseSiteConfig, type AlertDto, type LiveEvents, type RoundDto, type WorkOrderDto } from '@estate-watch/contracts';
import { localDateOf, localTimeOf } from '@estate-watch/domain';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { ManualClock } from '../apps/server/src/common/clock';
import { testSiteYaml } from '../apps/server/src/sites/sites.testing';
import { api, connectDevice, connected, connectLive, login, nextEvent, startTestServer } from './support/server';

const MIN = 60_000;
const CARD = '04A1B2C3D4E5F6';
// R: this minute. The round starts at R − 20 min (tolerance 2): cp-1 window [R−22, R−18]; cp-2 planned R−5, window [R−7, R−3].
const R = Math.floor(Date.now() / MIN) * MIN;
const START = new Date(R - 20 * MIN);
const hhmm = localTimeOf(START, 'Asia/Shanghai');
const localDate = localDateOf(START, 'Asia/Shanghai');
const site = parseSiteConfig(
  testSiteYaml().replace(
    '{ id: r1, name: 日间巡查, schedule: ["09:30"], checkpoints: [{ checkpoint: cp-1, offsetMin: 0 }, { checkpoint: cp-2, offsetMin: 20 }] }',
    `{ id: r1, name: 日间巡查, toleranceMin: 2, schedule: ["${hhmm}"], checkpoints: [{ checkpoint: cp-1, offsetMin: 0 }, { checkpoint: cp-2, offsetMin: 15 }] }`,
  ),
  'patrol-monitoring-e2e.yaml',
);
const roundId = `testsite:r1:${localDate}:${hhmm.replace(':', '')}`;

describe('patrol: a site first monitored in the middle of a round (CONTRACT §3)', () => {
  let server: RunningServer;
  let clock: ManualClock;
  let token: string;
  let live: Socket<LiveEvents>;
  const readers: MqttClient[] = [];

  beforeAll(async () => {
    clock = new ManualClock(new Date(R - 10 * MIN)); // cp-1's window closed 8 min before the site is first seen
    server = await startTestServer({ clock, sites: [site], patrolSweepIntervalMs: 20 });
    token = (await login(server)).token;
    live = await connectLive(server, token);
  });

  afterAll(async () => {
    live?.close();
    for (const r of readers) r.end(true);
    await server?.close();
  });

  const tap = async (cp: string, id: string, at: Date) => {
    const client = await connected(await connectDevice(server, site, 'checkpoint', cp));
    readers.push(client);
    await client.publishAsync(buildTopic({ site: 'testsite', kind: 'checkpoint', device: cp, stream: 'event' }), JSON.stringify({ id, ts: at.toISOString(), type: 'tap', card: CARD }), { qos: 1 });
  };
  const stored = async () => (await api<RoundDto[]>(server, token, `/api/patrol/rounds?date=${localDate}`)).body.find((r) => r.id === roundId);

  it('the round under way is planned, its closed window unmonitored', async () => {
    const round = await stored();
    expect(round).toMatchObject({ status: 'in_progress', compliance: 0 });
    expect(round!.checkpoints.map((c) => [c.checkpointId, c.outcome])).toEqual([
      ['cp-1', 'unmonitored'],
      ['cp-2', 'pending'],
    ]);
  });

  it('a tap for a later checkpoint counts: on time, the round completed with compliance 1 (cp-1 in neither part)', async () => {
    clock.set(new Date(R - 5 * MIN));
    const completed = nextEvent(live, 'patrol', (r) => r.id === roundId && r.status === 'completed');
    await tap('cp-2', 'live-1', new Date(R - 5 * MIN));
    const round = await completed;
    expect(round.compliance).toBe(1);
    expect(round.checkpoints.map((c) => c.outcome)).toEqual(['unmonitored', 'on_time']);
  });

  it("cp-1's buffered tap arrives: it classifies the unmonitored window; no alert and no work order at any point", async () => {
    const classified = nextEvent(live, 'patrol', (r) => r.id === roundId && r.checkpoints[0]!.outcome !== 'unmonitored');
    await tap('cp-1', 'buffered-1', new Date(START.getTime() + 30_000));
    expect((await classified).checkpoints.map((c) => c.outcome)).toEqual(['on_time', 'on_time']);
    clock.set(new Date(R - 2 * MIN)); // past every window of the round
    expect(await stored()).toMatchObject({ status: 'completed', compliance: 1 });
    expect((await api<AlertDto[]>(server, token, '/api/alerts')).body).toEqual([]);
    expect((await api<WorkOrderDto[]>(server, token, '/api/work-orders')).body).toEqual([]);
  });
});
