import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../common/clock';
import { silentLog } from '../common/log';
import { Recorder } from './recorder';
import { readRecording, type RecordedMessage } from './recording';
import { replay, type ReplayMessage } from './replay';
import { devicePublisher } from './replay-publishers';
import { startSimulator, type SimulatorHandle } from '../simulator';
import { loadSiteFile } from '../site-files';
import { SERVICE_PASSWORD, SERVICE_USER, startTestBroker, type TestBroker } from '../broker.testing';
import { startObserver } from '../observer.testing';

const site = loadSiteFile();
const START = '2026-11-27T09:30:00.000+08:00';
const HOUR = 3_600_000;

let dir: string;
let brokers: TestBroker[];
let sim: SimulatorHandle | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'estate-sim-'));
  brokers = [];
});

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  for (const b of brokers) await b.close();
  await rm(dir, { recursive: true, force: true });
});

async function broker(): Promise<TestBroker> {
  const b = await startTestBroker([site]);
  brokers.push(b);
  return b;
}

/** Records what the scenario sends, hours apart on a virtual clock; returns the file. */
async function recordScenario(): Promise<string> {
  const b = await broker();
  const clock = new VirtualClock({ start: START });
  const file = join(dir, 'day.jsonl');
  const recorder = new Recorder({ url: b.url, username: SERVICE_USER, password: SERVICE_PASSWORD, out: file, clock, timeZone: 'Asia/Shanghai', log: silentLog });
  await recorder.start();
  sim = await startSimulator({
    url: b.url,
    sites: [site],
    clock,
    log: silentLog,
    heartbeats: false,
    only: (_s, id) => ['cp-north-gate', 'gate-garage-in', 'leak-garage-b1'].includes(id),
  });
  await sim.ready();
  const settle = async (n: number) => {
    while (recorder.count < n) await once(recorder, 'line');
  };
  // Three devices' status + gate/sensor telemetry at connect = 5 lines.
  await settle(5);
  await sim.checkpoint('cp-north-gate').tap('0DBA449373C7E3');
  await clock.advance(2 * HOUR);
  await sim.gate('gate-garage-in').pass('in', '沪A12345', 'plate');
  await clock.advance(5 * HOUR);
  await sim.sensor('leak-garage-b1').setReading('leak', true);
  await sim.gate('gate-garage-in').publishRaw('event', Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  await settle(9);
  await sim.stop();
  sim = undefined;
  await recorder.stop();
  return file;
}

describe('record and replay', () => {
  it('records one JSON line a message, with t, topic and payload, and raw base64 for bytes that are not JSON', async () => {
    const file = await recordScenario();
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as RecordedMessage);
    expect(lines.length).toBeGreaterThanOrEqual(9);
    expect(lines[0]!.t).toBe('2026-11-27T09:30:00.000+08:00');
    const raw = lines.find((l) => l.raw !== undefined)!;
    expect(raw).toEqual({ t: '2026-11-27T16:30:00.000+08:00', topic: 'estate/v1/lakeside/gate/gate-garage-in/event', raw: '3q2+7w==' });
    const tap = lines.find((l) => l.topic.endsWith('/cp-north-gate/event'))!;
    expect(tap.payload).toMatchObject({ type: 'tap', card: '0DBA449373C7E3', ts: '2026-11-27T09:30:00.000+08:00' });
  });

  it('replays seven hours of traffic at once on an auto-advancing clock, in order and at the recorded offsets', async () => {
    const recording = await readRecording(await recordScenario());
    const clock = new VirtualClock({ start: '2026-12-01T08:00:00+08:00', auto: true });
    const sent: ReplayMessage[] = [];
    const started = Date.now();
    const result = await replay(recording, { clock, publish: (m) => void sent.push(m) });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.published).toBe(recording.length);
    expect(sent.map((m) => m.topic)).toEqual(recording.map((m) => m.topic));
    const t0 = Date.parse(recording[0]!.t);
    const base = Date.parse('2026-12-01T08:00:00+08:00');
    expect(sent.map((m) => m.dueAt - base)).toEqual(recording.map((m) => Date.parse(m.t) - t0));
    // Rewrites nothing by default.
    expect(sent.map((m) => m.bytes.toString('base64'))).toEqual(
      recording.map((m) => (m.raw !== undefined ? m.raw : Buffer.from(JSON.stringify(m.payload)).toString('base64'))),
    );
  });

  it('with shiftTs moves each ts to the replay time, so a server’s 24 h window accepts an old recording', async () => {
    const recording = await readRecording(await recordScenario());
    const clock = new VirtualClock({ start: '2026-12-01T08:00:00+08:00', auto: true });
    const sent: ReplayMessage[] = [];
    await replay(recording, { clock, shiftTs: true, publish: (m) => void sent.push(m) });
    const tap = sent.find((m) => m.topic.endsWith('/cp-north-gate/event'))!;
    expect(JSON.parse(tap.bytes.toString()).ts).toBe('2026-12-01T08:00:00.000+08:00');
    const leak = sent.find((m) => m.topic.endsWith('/leak-garage-b1/telemetry') && m.bytes.includes('"leak":true'))!;
    expect(JSON.parse(leak.bytes.toString()).ts).toBe('2026-12-01T15:00:00.000+08:00');
  });

  it('round-trips through a broker: a second recording of the replay has the same topics and payloads in the same order', async () => {
    const original = await readRecording(await recordScenario());
    const target = await broker();
    const observer = await startObserver(target.url);
    const publisher = devicePublisher({ url: target.url, sites: [site], log: silentLog });
    await replay(original, { clock: new VirtualClock({ auto: true }), publish: (m) => publisher.publish(m) });
    await observer.waitForCount(() => true, original.length, 'replayed message');
    await publisher.close();
    await observer.close();
    expect(observer.messages.map((m) => m.topic)).toEqual(original.map((m) => m.topic));
    expect(observer.messages.map((m) => (m.json === undefined ? m.bytes.toString('base64') : m.json))).toEqual(
      original.map((m) => m.raw ?? m.payload),
    );
    // Each message went out under its own device's credentials (CONTRACT §1).
    expect(target.refused).toEqual([]);
    expect(new Set(target.authenticated)).toEqual(new Set([SERVICE_USER, 'lakeside:cp-north-gate', 'lakeside:gate-garage-in', 'lakeside:leak-garage-b1']));
  });
});
