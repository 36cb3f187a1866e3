import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTopic, parseDevicePayload, parseTopic, siteDevices, type DeviceKind, type UpstreamStream } from '@estate-watch/contracts';
import { VirtualClock } from './common/clock';
import type { SimLogLevel } from './common/log';
import { startSimulator, type SimulatorHandle } from './simulator';
import { loadSiteFile } from './site-files';
import { SERVICE_USER, startTestBroker, type TestBroker } from './broker.testing';
import { startObserver, type Observer, type Seen } from './observer.testing';

const site = loadSiteFile();
const deviceCount = siteDevices(site).length;
const START = '2026-11-27T09:31:05.120+08:00';

let broker: TestBroker;
let observer: Observer;
let clock: VirtualClock;
let sim: SimulatorHandle | undefined;
let logs: Array<{ level: SimLogLevel; message: string }>;

beforeEach(async () => {
  broker = await startTestBroker([site]);
  observer = await startObserver(broker.url);
  clock = new VirtualClock({ start: START });
  logs = [];
});

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  await observer.close();
  await broker.close();
});

async function start(extra: Partial<Parameters<typeof startSimulator>[0]> = {}): Promise<SimulatorHandle> {
  sim = await startSimulator({ url: broker.url, sites: [site], clock, log: (level, message) => logs.push({ level, message }), ...extra });
  return sim;
}

const on = (device: string, stream: UpstreamStream) => (m: Seen) => m.topic.endsWith(`/${device}/${stream}`);

/** CONTRACT §1: what the server would accept, judged by the contracts package itself. */
function expectValid(m: Seen): void {
  const topic = parseTopic(m.topic);
  expect(topic.ok, m.topic).toBe(true);
  if (!topic.ok || topic.topic.stream === 'cmd') return;
  const result = parseDevicePayload(topic.topic.kind, topic.topic.stream, m.text, new Date(clock.now()));
  expect(result, `${m.topic} ${m.text}`).toMatchObject({ ok: true });
}

describe('startSimulator on the demo site', () => {
  it('connects every device with {site}:{device} and its secret, and retains online:true per device', async () => {
    await start();
    await sim!.ready();
    expect(new Set(broker.authenticated.filter((u) => u !== SERVICE_USER))).toEqual(new Set(siteDevices(site).map((d) => `lakeside:${d.id}`)));
    expect(broker.refused).toEqual([]);

    // A client that connects now sees each device's status as a retained message.
    const late = await startObserver(broker.url, 'estate/v1/lakeside/+/+/status');
    const retained = await late.waitForCount((m) => m.retain, deviceCount, 'retained status');
    await late.close();
    expect(new Set(retained.map((m) => m.topic)).size).toBe(deviceCount);
    for (const m of retained) {
      expect(m.json).toMatchObject({ online: true, fw: expect.any(String), rssi: expect.any(Number) });
      expectValid(m);
    }
  });

  it('stamps ids unique per device and ts in the site offset', async () => {
    await start();
    await sim!.ready();
    await sim!.heartbeatAll();
    const mine = observer.messages.filter((m) => m.json?.id);
    const ids = mine.map((m) => `${m.topic}|${m.json.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(mine.every((m) => m.json.ts.startsWith('2026-11-27T09:31:05.120+08:00'))).toBe(true);
  });

  it('sends a status and the kind’s telemetry from every device on each heartbeat', async () => {
    await start();
    await sim!.ready();
    const before = observer.messages.length;
    await clock.advance(site.site.heartbeatSec * 1000);
    const fresh = (m: Seen) => observer.messages.indexOf(m) >= before;
    await observer.waitForCount((m) => fresh(m) && m.topic.endsWith('/status'), deviceCount, 'heartbeat status');
    const telemetryKinds: DeviceKind[] = ['gate', 'dispenser', 'sensor'];
    const expected = siteDevices(site).filter((d) => telemetryKinds.includes(d.kind)).length;
    const telemetry = await observer.waitForCount((m) => fresh(m) && m.topic.endsWith('/telemetry'), expected, 'heartbeat telemetry');
    for (const m of telemetry) expectValid(m);
    expect(telemetry.find((m) => m.topic.includes('/gate/'))!.json).toMatchObject({ barrier: 'closed' });
    const boiler = telemetry.find((m) => m.topic.includes('/boiler-1/'))!.json.readings;
    expect(boiler.temperature_c).toBeGreaterThanOrEqual(55);
    expect(boiler.temperature_c).toBeLessThanOrEqual(75);
    expect(telemetry.find((m) => m.topic.includes('/leak-garage-b1/'))!.json.readings.leak).toBe(false);
  });

  it('lets a dispenser’s level drift slowly down over the day', async () => {
    await start({ only: (_s, id) => id === 'club-wc-f-paper' });
    await sim!.ready();
    await clock.advance(4 * 3_600_000);
    const levels = (await observer.waitForCount(on('club-wc-f-paper', 'telemetry'), 1 + 4 * 120, 'telemetry for 4 h')).map(
      (m) => m.json.level as number,
    );
    const drop = levels[0]! - levels.at(-1)!;
    expect(drop).toBeGreaterThan(1);
    expect(drop).toBeLessThan(4 * 2.5);
    expect(levels.every((level, i) => i === 0 || level <= levels[i - 1]!)).toBe(true);
  });

  it('lets the broker publish the last will when a device loses power, and comes back with a new boot id', async () => {
    await start();
    await sim!.ready();
    const cp = sim!.checkpoint('cp-north-gate');
    const first = await cp.tap('0DBA449373C7E3');
    await cp.goOffline();
    const will = await observer.waitFor((m) => on('cp-north-gate', 'status')(m) && m.text === '{"online":false}', 'last will');
    expect(will.json).toEqual({ online: false });

    await cp.powerOn();
    await cp.whenOnline();
    const again = await cp.tap('0DBA449373C7E3');
    expect(again.id.split('-')[0]).not.toBe(first.id.split('-')[0]);
  });

  it('holds what happens while its network is down and sends it, in order and with the original ts, once back', async () => {
    await start();
    await sim!.ready();
    const cp = sim!.checkpoint('cp-east-fence');
    const before = await cp.tap('4D61193FB86B53');
    await cp.loseNetwork();
    await observer.waitFor((m) => on('cp-east-fence', 'status')(m) && m.text === '{"online":false}', 'last will');
    const held = [cp.tap('4D61193FB86B53'), (await clock.advance(10 * 60_000), cp.tap('777C460D0E651C'))];
    expect(cp.buffered).toBe(2);
    await clock.advance(5 * 60_000);
    await cp.restoreNetwork();
    const [first, second] = await Promise.all(held);
    expect(first!.ts).toBe('2026-11-27T09:31:05.120+08:00');
    expect(second!.ts).toBe('2026-11-27T09:41:05.120+08:00');
    // Same boot: the counter carries on, so ids stay unique without a reboot.
    expect(first!.id.split('-')[0]).toBe(before.id.split('-')[0]);
    const after = (await observer.waitForCount(on('cp-east-fence', 'event'), 3, 'three taps')).map((m) => m.json.id);
    expect(after).toEqual([before.id, first!.id, second!.id]);
    const back = observer.messages.findIndex((m) => on('cp-east-fence', 'status')(m) && m.json?.online === true && m.json.ts === '2026-11-27T09:46:05.120+08:00');
    expect(back).toBeGreaterThan(-1);
    expect(back).toBeLessThan(observer.messages.findIndex((m) => m.json?.id === first!.id));
  });

  it('on a clean stop says online:false itself, so no last will is needed', async () => {
    await start();
    await sim!.ready();
    await sim!.device('boiler-1').stop();
    const last = await observer.waitFor((m) => on('boiler-1', 'status')(m) && m.json?.online === false, 'offline status');
    expect(last.json).toMatchObject({ id: expect.any(String), ts: expect.any(String), online: false });
    expectValid(last);
    // The broker kept the device's own farewell as the retained status: no last will replaced it.
    const late = await startObserver(broker.url, last.topic);
    const retained = await late.waitFor((m) => m.retain, 'retained status');
    await late.close();
    expect(retained.json).toEqual(last.json);
  });

  it('opens a gate on a cmd, acks with the command id, and closes it after the hold time', async () => {
    await start({ gateHoldMs: 4000 });
    await sim!.ready();
    const cmdTopic = buildTopic({ site: 'lakeside', kind: 'gate', device: 'gate-garage-in', stream: 'cmd' });
    const cmd = { id: 'cmd-0001', ts: START, action: 'open', by: 'supervisor', reason: '访客车辆' };
    await observer.client.publishAsync(cmdTopic, JSON.stringify(cmd), { qos: 1 });

    const ack = await observer.waitFor(on('gate-garage-in', 'ack'), 'ack');
    expect(ack.json).toMatchObject({ id: 'cmd-0001', ok: true });
    expectValid(ack);
    const barrier = () => observer.messages.filter(on('gate-garage-in', 'telemetry')).map((m) => m.json.barrier);
    expect(barrier().at(-1)).toBe('open');
    expect(observer.messages.indexOf(observer.messages.filter(on('gate-garage-in', 'telemetry')).at(-1)!)).toBeLessThan(
      observer.messages.indexOf(ack),
    );

    const acked = observer.messages.indexOf(ack);
    await clock.advance(4000);
    const closed = await observer.waitFor(
      (m) => on('gate-garage-in', 'telemetry')(m) && observer.messages.indexOf(m) > acked,
      'barrier closing after the hold time',
    );
    expect(closed.json).toMatchObject({ barrier: 'closed' });
  });

  it('acks a redelivered command again without moving the barrier twice (CONTRACT §1: same id, processed once)', async () => {
    await start();
    await sim!.ready();
    const cmdTopic = buildTopic({ site: 'lakeside', kind: 'gate', device: 'gate-ground-in', stream: 'cmd' });
    const cmd = JSON.stringify({ id: 'cmd-dup', ts: START, action: 'open', by: 'supervisor' });
    await observer.client.publishAsync(cmdTopic, cmd, { qos: 1 });
    await observer.waitFor(on('gate-ground-in', 'ack'), 'first ack');
    await observer.client.publishAsync(cmdTopic, cmd, { qos: 1 });
    const acks = await observer.waitForCount(on('gate-ground-in', 'ack'), 2, 'second ack');
    expect(acks.map((a) => a.json)).toEqual([acks[0]!.json, { ...acks[0]!.json, ts: acks[1]!.json.ts }]);
    const opened = observer.messages.filter((m) => on('gate-ground-in', 'telemetry')(m) && m.json.barrier === 'open');
    expect(opened).toHaveLength(1);
  });

  it('refuses a command that breaks the contract with ok:false, and one during a fault', async () => {
    await start();
    await sim!.ready();
    const cmdTopic = buildTopic({ site: 'lakeside', kind: 'gate', device: 'gate-ground-out', stream: 'cmd' });
    await observer.client.publishAsync(cmdTopic, JSON.stringify({ id: 'cmd-bad', ts: START, action: 'lift', by: 'x' }), { qos: 1 });
    const bad = await observer.waitFor((m) => on('gate-ground-out', 'ack')(m) && m.json.id === 'cmd-bad', 'ack of bad cmd');
    expect(bad.json).toMatchObject({ ok: false, error: expect.stringContaining('action') });

    await sim!.gate('gate-ground-out').setBarrier('fault', 'E07');
    await observer.client.publishAsync(cmdTopic, JSON.stringify({ id: 'cmd-2', ts: START, action: 'open', by: 'x' }), { qos: 1 });
    const faulted = await observer.waitFor((m) => on('gate-ground-out', 'ack')(m) && m.json.id === 'cmd-2', 'ack during fault');
    expect(faulted.json).toMatchObject({ ok: false, error: 'barrier fault E07' });
  });

  it('drives scenarios: tap, pass, barrier fault, dispenser level and refill, readings and faults', async () => {
    await start();
    await sim!.ready();
    const sent = [
      await sim!.checkpoint('cp-garage-b1-a').tap('797EB77F07FEC6', new Date('2026-11-27T09:20:00+08:00')),
      await sim!.gate('gate-garage-in').pass('in', '沪A12345', 'plate'),
      await sim!.gate('gate-garage-out').deny('out', '苏E8K921', 'no valid permit'),
      await sim!.gate('gate-ground-in').setBarrier('fault', 'E12'),
      await sim!.dispenser('club-wc-m-soap').setLevel(12),
      await sim!.dispenser('club-wc-m-soap').refill(),
      await sim!.sensor('leak-garage-b1').setReading('leak', true),
      await sim!.sensor('boiler-2').fault('E21', '点火失败'),
      await sim!.sensor('boiler-2').faultCleared('E21'),
    ];
    expect(sent[0]).toMatchObject({ type: 'tap', card: '797EB77F07FEC6', ts: '2026-11-27T09:20:00.000+08:00' });
    const ids = new Set(sent.map((s) => s.id));
    for (const s of sent) {
      const m = await observer.waitFor((x) => x.json?.id === s.id, `message ${s.id}`);
      expect(m.json).toEqual(s);
      expectValid(m);
    }
    expect(ids.size).toBe(sent.length);
    expect(sim!.dispenser('club-wc-m-soap').level).toBe(100);
    await observer.waitFor((m) => on('club-wc-m-soap', 'telemetry')(m) && m.json.level === 100, 'full after refill');
  });

  it('logs a refused device and keeps retrying, without stopping the others', async () => {
    await start({
      only: (_site, id) => id === 'gate-ground-in' || id === 'cp-north-gate',
      credentials: (siteId, d) => ({ username: `${siteId}:${d.id}`, password: d.id === 'gate-ground-in' ? 'wrong-secret' : d.secret }),
      mqtt: { reconnectPeriod: 50 },
    });
    await sim!.checkpoint('cp-north-gate').whenOnline();
    expect(sim!.gate('gate-ground-in').online).toBe(false);
    expect(logs.some((l) => l.level === 'warn' && l.message.startsWith('lakeside:gate-ground-in'))).toBe(true);
    // Retried: refused more than once, but logged once.
    await broker.refusals('lakeside:gate-ground-in', 3);
    expect(logs.filter((l) => l.message.startsWith('lakeside:gate-ground-in')).length).toBe(1);
  });

  it('reconnects after the broker drops it, logs it once, and announces itself online again', async () => {
    await start({ mqtt: { reconnectPeriod: 50 } });
    await sim!.ready();
    const cp = sim!.checkpoint('cp-shops-west');
    const before = observer.messages.length;
    broker.drop(cp.clientId);
    await observer.waitFor((m) => on('cp-shops-west', 'status')(m) && m.text === '{"online":false}', 'last will after the drop');
    const back = await observer.waitFor(
      (m) => on('cp-shops-west', 'status')(m) && m.json?.online === true && observer.messages.indexOf(m) >= before,
      'online again',
    );
    expectValid(back);
    await cp.whenOnline();
    expect(logs.filter((l) => l.message.startsWith('lakeside:cp-shops-west'))).toEqual([
      { level: 'warn', message: 'lakeside:cp-shops-west: connection lost, reconnecting' },
      { level: 'info', message: 'lakeside:cp-shops-west: connected again' },
    ]);
  });

  it('names the kind when a device is asked for as another kind', async () => {
    await start({ only: (_s, id) => id === 'boiler-1' });
    expect(() => sim!.gate('boiler-1')).toThrow('device "boiler-1" is a sensor, not a gate');
    expect(() => sim!.device('nope')).toThrow('simulator has no device "nope"');
  });
});
