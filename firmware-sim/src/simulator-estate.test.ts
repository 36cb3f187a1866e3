import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDevicePayload, parseTopic } from '@estate-watch/contracts';
import { VirtualClock } from './common/clock';
import { localTime } from './common/local-time';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from './simulator';
import { loadSiteFile } from './site-files';
import { startTestBroker, type TestBroker } from './broker.testing';
import { startObserver, type Observer, type Seen } from './observer.testing';

const site = loadSiteFile();
const DAY = '2026-11-27';
const at = (hhmm: string) => localTime(DAY, hhmm, site.site.timezone);

let broker: TestBroker;
let observer: Observer;
let clock: VirtualClock;
let sim: SimulatorHandle | undefined;

beforeEach(async () => {
  broker = await startTestBroker([site]);
  observer = await startObserver(broker.url);
  clock = new VirtualClock({ start: at('07:40') });
});

afterEach(async () => {
  await sim?.stop({ announce: false });
  sim = undefined;
  await observer.close();
  await broker.close();
});

async function start(options: Partial<SimulatorOptions>): Promise<SimulatorHandle> {
  sim = await startSimulator({ url: broker.url, sites: [site], clock, heartbeats: false, log: () => undefined, seed: 3, ...options });
  await sim.ready();
  return sim;
}

/** Advances minute by minute, so MQTT traffic keeps pace with the clock. */
async function runTo(hhmm: string): Promise<void> {
  while (clock.now() < at(hhmm)) await clock.advance(60_000);
}

function expectValid(messages: Seen[]): void {
  for (const m of messages) {
    const topic = parseTopic(m.topic);
    if (!topic.ok || topic.topic.stream === 'cmd') throw new Error(`bad topic ${m.topic}`);
    // The last will is the one payload without id and ts (CONTRACT §1).
    if (m.text === '{"online":false}') continue;
    expect(parseDevicePayload(topic.topic.kind, topic.topic.stream, m.text, new Date(clock.now())), m.text).toMatchObject({ ok: true });
  }
}

describe('startSimulator with estate', () => {
  it('lives the morning rush through the devices: gate passes and barriers, dispenser levels and the 08:00 refills, sensor readings, all valid', async () => {
    // Counts as a server that has been running would have them at 07:40 (default: empty, a fresh server).
    // The cleaner tops up everything on this morning's round, whatever its level.
    const s = await start({ estate: { occupancy: { 'lot-garage': 520, 'lot-ground': 28 }, consumables: { refillBelowPct: 100, missedRound: 0 } } });
    const before = observer.messages.length;
    await runTo('08:50');
    const isPass = (m: Seen) => m.topic.endsWith('/event') && m.json?.type === 'pass';
    await observer.waitForCount(isPass, s.estate!.acted['gate.pass']!, 'gate passes');
    await observer.waitForCount(() => true, before + Object.values(s.estate!.acted).reduce((a, b) => a + b, 0), 'estate messages');
    const sent = observer.messages.slice(before);
    expectValid(sent);
    const of = (kind: string, stream: string) => sent.filter((m) => m.topic.includes(`/${kind}/`) && m.topic.endsWith(`/${stream}`));
    const passes = of('gate', 'event').filter((m) => m.json.type === 'pass');
    expect(passes.length).toBe(s.estate!.acted['gate.pass']);
    expect(passes.filter((m) => m.json.direction === 'out').length).toBeGreaterThan(3 * passes.filter((m) => m.json.direction === 'in').length);
    expect(of('gate', 'telemetry').map((m) => m.json.barrier)).toContain('closed');
    expect(new Set(of('dispenser', 'event').map((m) => m.topic.split('/')[4]))).toEqual(new Set(site.dispensers.map((d) => d.id)));
    expect(of('dispenser', 'telemetry').length).toBeGreaterThan(10);
    expect(of('sensor', 'telemetry').some((m) => typeof m.json.readings.trips_per_hour === 'number')).toBe(true);
    // The garage count the estate tracks matches the passes it sent (it started empty, like a fresh server).
    const garage = passes.filter((m) => m.topic.includes('/gate-garage-'));
    const count = garage.reduce((n, m) => n + (m.json.direction === 'in' ? 1 : -1), 520);
    expect(count).toBeLessThan(400);
    expect(s.estate!.occupancy('lakeside', 'lot-garage')).toBe(count);
  });

  it('takes a pump offline (its last will) and brings it back with a new boot', async () => {
    const s = await start({ estate: { equipment: { rates: { offline: 1, overheat: 0, leak: 0, fault: 0 } } }, only: (_, id) => id === 'pump-domestic' });
    await clock.advanceTo(localTime('2026-11-28', '00:00', site.site.timezone) + 1000);
    const offline = s.estate!.upcoming().find((e) => e.action === 'offline' && e.device === 'pump-domestic')!;
    expect(offline.device).toBe('pump-domestic');
    await clock.advanceTo(offline.at + 60_000);
    const status = 'estate/v1/lakeside/sensor/pump-domestic/status';
    await observer.waitFor((m) => m.topic === status && m.text === '{"online":false}', 'last will');
    const back = s.estate!.upcoming().find((e) => e.action === 'online' && e.device === 'pump-domestic')!;
    await clock.advanceTo(back.at + 1000);
    const will = observer.messages.findIndex((m) => m.topic === status && m.text === '{"online":false}');
    await observer.waitFor((m) => m.topic === status && m.json.online === true && observer.messages.indexOf(m) > will, 'online again');
  });

  it('runs the schedule `speed` times faster, stamping payloads with the devices’ own time', async () => {
    const s = await start({ estate: { speed: 60, occupancy: { 'lot-garage': 520 } } });
    await clock.advance(60_000);
    // One minute of device time is an hour of the estate: past 08:40 and its rush.
    expect(s.estate!.clock.now()).toBe(at('08:40'));
    expect(s.estate!.acted['gate.pass']).toBeGreaterThan(100);
    const sent = await observer.waitForCount((m) => m.topic.endsWith('/event') && m.json?.type === 'pass', s.estate!.acted['gate.pass']!, 'gate passes');
    for (const m of sent) expect(Date.parse(m.json.ts)).toBeLessThanOrEqual(clock.now());
    expectValid(sent);
  });

  it('leaves the estate still unless asked', async () => {
    const s = await start({});
    expect(s.estate).toBeUndefined();
  });
});
