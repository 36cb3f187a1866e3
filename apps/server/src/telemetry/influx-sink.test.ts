// The InfluxDB sink against a fake writer: batching, backoff, the bounded buffer, never blocking.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AcceptedMessage } from '../ingest/accepted-message';
import { InfluxSink } from './influx-sink';
import type { InfluxPoint, InfluxWriter } from './influx-writer';

class FakeInflux implements InfluxWriter {
  written: InfluxPoint[][] = [];
  databases = 0;
  failNext = 0;
  /** A write that never answers until released (a hung InfluxDB). */
  hang = false;
  private release: (() => void) | undefined;
  async ensureDatabase(): Promise<void> {
    this.databases++;
  }
  async write(points: InfluxPoint[]): Promise<void> {
    if (this.hang) await new Promise<void>((r) => (this.release = r));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('connect ECONNREFUSED 127.0.0.1:8086');
    }
    this.written.push([...points]);
  }
  unhang(): void {
    this.hang = false;
    this.release?.();
  }
  get points(): number {
    return this.written.reduce((n, b) => n + b.length, 0);
  }
}

let seq = 0;
function reading(readings: Record<string, number | boolean>, at = '2026-11-27T01:00:00.250Z'): AcceptedMessage {
  seq++;
  return {
    seq,
    siteId: 'testsite',
    kind: 'sensor',
    deviceId: 'boiler-1',
    stream: 'telemetry',
    msgId: `m${seq}`,
    payload: { id: `m${seq}`, ts: at, readings },
    observedAt: new Date(at),
    receivedAt: new Date(at),
    lastWill: false,
  };
}

describe(InfluxSink.name, () => {
  let influx: FakeInflux;
  let logs: string[];
  const logger = { log: (l: string) => logs.push(l), warn: (l: string) => logs.push(l) };

  beforeEach(() => {
    vi.useFakeTimers();
    influx = new FakeInflux();
    logs = [];
  });
  afterEach(() => vi.useRealTimers());

  it('one point per reading message: measurement = kind, tags site/device, a field per metric, device time', async () => {
    const sink = new InfluxSink(influx, { flushEveryMs: 1000 }, logger);
    sink.start();
    await sink.handle(reading({ temperature_c: 71.5, leak: true }));
    await sink.handle({ ...reading({}), kind: 'gate', deviceId: 'gate-1', payload: { barrier: 'fault' } });
    await sink.handle({ ...reading({}), stream: 'status', payload: { online: true } });
    expect(influx.written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(influx.written).toEqual([
      [
        { measurement: 'sensor', tags: { site: 'testsite', device: 'boiler-1' }, fields: { temperature_c: 71.5, leak: 1 }, time: new Date('2026-11-27T01:00:00.250Z') },
        { measurement: 'gate', tags: { site: 'testsite', device: 'gate-1' }, fields: { barrier: 2 }, time: new Date('2026-11-27T01:00:00.250Z') },
      ],
    ]);
    expect(influx.databases).toBe(1);
    expect(sink.stats()).toEqual({ buffered: 0, written: 2, dropped: 0, failures: 0 });
  });

  it('a full batch is written at once, without waiting for the timer', async () => {
    const sink = new InfluxSink(influx, { batchSize: 3, flushEveryMs: 60_000 }, logger);
    sink.start();
    for (let i = 0; i < 7; i++) await sink.handle(reading({ t: i }));
    await vi.advanceTimersByTimeAsync(0);
    expect(influx.written.map((b) => b.length)).toEqual([3, 3]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(influx.written.map((b) => b.length)).toEqual([3, 3, 1]);
  });

  it('a failed write is retried with doubling backoff, the batch kept in order, one log line', async () => {
    const sink = new InfluxSink(influx, { flushEveryMs: 100, retryMinMs: 1000, retryMaxMs: 4000 }, logger);
    sink.start();
    influx.failNext = 4;
    await sink.handle(reading({ t: 1 }));
    await vi.advanceTimersByTimeAsync(100); // attempt 1 fails
    await sink.handle(reading({ t: 2 }));
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.stats().failures).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // attempt 2 at +1 s
    await vi.advanceTimersByTimeAsync(2000); // attempt 3 at +2 s
    expect(sink.stats().failures).toBe(3);
    await vi.advanceTimersByTimeAsync(3999);
    expect(sink.stats().failures).toBe(3);
    await vi.advanceTimersByTimeAsync(1); // attempt 4 at +4 s (the max)
    await vi.advanceTimersByTimeAsync(4000); // attempt 5 succeeds
    expect(influx.written.map((b) => b.map((p) => p.fields.t))).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(100);
    expect(influx.written.map((b) => b.map((p) => p.fields.t))).toEqual([[1], [2]]);
    expect(logs.filter((l) => l.startsWith('InfluxDB write of'))).toEqual(['InfluxDB write of 1 points failed (attempt 1; retrying with backoff): Error: connect ECONNREFUSED 127.0.0.1:8086']);
    expect(logs.at(-1)).toBe('InfluxDB writes resumed after 4 failed attempts');
  });

  it('while InfluxDB hangs, handle() still returns at once; a full buffer drops and counts, one log line', async () => {
    const sink = new InfluxSink(influx, { maxBuffered: 5, batchSize: 2, flushEveryMs: 100 }, logger, () => Date.now());
    sink.start();
    influx.hang = true;
    await sink.handle(reading({ t: 0 }));
    await sink.handle(reading({ t: 1 }));
    await vi.advanceTimersByTimeAsync(100); // batch [0, 1] in flight, never answered
    for (let i = 2; i < 12; i++) await sink.handle(reading({ t: i })); // each resolves: nothing awaited InfluxDB
    expect(sink.stats()).toMatchObject({ buffered: 7, dropped: 5 });
    expect(logs.filter((l) => l.startsWith('InfluxDB buffer full'))).toEqual(['InfluxDB buffer full (5 points): dropping readings, 1 dropped so far (PostgreSQL still stores them)']);
    influx.unhang();
    await vi.advanceTimersByTimeAsync(1000);
    expect(influx.written.flat().map((p) => p.fields.t)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sink.stats()).toEqual({ buffered: 0, written: 7, dropped: 5, failures: 0 });
  });

  it('stop() writes what is left, giving up after its deadline', async () => {
    const sink = new InfluxSink(influx, { flushEveryMs: 60_000 }, logger);
    sink.start();
    await sink.handle(reading({ t: 1 }));
    await sink.stop();
    expect(influx.points).toBe(1);

    const down = new FakeInflux();
    down.failNext = Infinity;
    const stuck = new InfluxSink(down, { flushEveryMs: 60_000 }, logger);
    stuck.start();
    await stuck.handle(reading({ t: 1 }));
    const stopping = stuck.stop(500);
    await vi.advanceTimersByTimeAsync(600);
    await stopping;
    expect(logs.at(-1)).toBe('stopping with 1 points not written to InfluxDB');
  });
});
