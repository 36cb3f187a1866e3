// The whole server on virtual time: seventy minutes of recorded traffic replayed through ingest in
// moments, the sweeps (offline, patrol windows) firing on the replay's clock, the result read over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, type AlertDto, type DeviceKind, type LoginResponse, type ParkingLotDto, type RoundDto, type UpstreamStream } from '@estate-watch/contracts';
import type { RecordedMessage } from '@estate-watch/contracts';
import { startServer, type RunningServer } from '../bootstrap';
import { IngestService } from '../ingest/ingest.service';
import { testSite } from '../sites/sites.testing';
import { ingestEntry, replayItems, replayThroughIngest, type ReplayReport } from './replay-ingest';
import { ReplayTime } from './replay-time';

const T0 = Date.parse('2026-12-01T09:00:00+08:00');
const TICK_MS = 60_000;
const MIN = 60_000;

/** cp-1 says it is online once and then nothing; gate-1 reports every 30 s and lets two cars in. */
function recording(): RecordedMessage[] {
  const lines: RecordedMessage[] = [];
  const line = (ms: number, kind: DeviceKind, device: string, stream: UpstreamStream, body: Record<string, unknown>) => {
    const ts = new Date(ms).toISOString();
    lines.push({ t: ts, topic: buildTopic({ site: 'testsite', kind, device, stream }), payload: { id: `${device}-${lines.length}`, ts, ...body } });
  };
  line(T0, 'checkpoint', 'cp-1', 'status', { online: true });
  for (let ms = T0; ms <= T0 + 70 * MIN; ms += 30_000) line(ms, 'gate', 'gate-1', 'status', { online: true });
  line(T0 + 10_000, 'gate', 'gate-1', 'event', { type: 'pass', direction: 'in', credential: 'plate', plate: '沪A12345' });
  line(T0 + 20_000, 'gate', 'gate-1', 'event', { type: 'pass', direction: 'in', credential: 'card' });
  return lines.sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
}

describe('replay through the whole server on virtual time', () => {
  let server: RunningServer;
  let report: ReplayReport;
  let token: string;
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${server.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    const { items, skipped } = replayItems(recording());
    const time = new ReplayTime(items[0]!.at, TICK_MS);
    server = await startServer({
      source: {},
      sites: [testSite()],
      clock: time.clock,
      schedule: time.schedule,
      env: { httpPort: 0, mqttPort: 0, dataDir: undefined, simulator: false, logLevel: 'warn' },
    });
    report = await replayThroughIngest(items, ingestEntry(server.app.get(IngestService)), time, { skipped });
    const res = await fetch(`${server.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'operator', password: 'demo' }) });
    token = ((await res.json()) as LoginResponse).token;
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  it('takes every message, in far less time than it covers', () => {
    expect(report.outcomes).toEqual({ accepted: recording().length, duplicate: 0, rejected: 0, ignored: 0 });
    expect(report.virtualMs).toBe(70 * MIN);
    expect(report.wallMs).toBeLessThan(70 * MIN);
    expect(report.barriers).toBe(70 + 1);
  });

  it('applies the passes', async () => {
    const lots = await get<ParkingLotDto[]>('/api/parking/lots');
    expect(lots.find((l) => l.id === 'lot-1')?.occupancy).toBe(2);
  });

  it('the offline sweep ran on the replay’s clock: cp-1 offline within a tick of 3 heartbeats of silence, the reporting gate never', async () => {
    const offline = await get<AlertDto[]>('/api/alerts?type=device.offline');
    const cp1 = offline.filter((a) => a.subject === 'cp-1');
    expect(cp1).toHaveLength(1);
    const after = Date.parse(cp1[0]!.raisedAt) - T0;
    expect(after).toBeGreaterThanOrEqual(90_000);
    expect(after).toBeLessThanOrEqual(90_000 + TICK_MS);
    expect(offline.filter((a) => a.subject === 'gate-1')).toEqual([]);
  });

  it('the patrol sweep ran on it too: each window with no tap missed within a tick of its close', async () => {
    const [round] = await get<RoundDto[]>('/api/patrol/rounds?date=2026-12-01');
    expect(round?.checkpoints.map((c) => c.outcome)).toEqual(['missed', 'missed']);
    const missed = await get<AlertDto[]>('/api/alerts?type=patrol.missed');
    for (const c of round!.checkpoints) {
      const alert = missed.find((a) => a.subject.includes(c.checkpointId));
      const late = Date.parse(alert!.raisedAt) - Date.parse(c.windowEnd);
      expect(late).toBeGreaterThan(0);
      expect(late).toBeLessThanOrEqual(TICK_MS);
    }
  });
});
