// The pipeline of one handler against an in-memory store: order, batches, the urgent lane,
// retries, recorded failures, overflow into catch-up, and the durable cursor (issue 14).
import { describe, expect, it } from 'vitest';
import type { AcceptedMessage, MessageHandler, MessageSelector } from './accepted-message';
import { selects } from './accepted-message';
import { HandlerPipeline, type PipelineOptions } from './handler-pipeline';
import type { HandlerCursor } from './ingest.repository';

class MemoryStore {
  readonly messages: AcceptedMessage[] = [];
  readonly cursors = new Map<string, HandlerCursor>();
  readonly failures: { handler: string; seq: number }[] = [];
  failNextReads = 0;
  private seq = 0;

  add(deviceId: string, extra: Partial<AcceptedMessage> = {}): AcceptedMessage {
    const m: AcceptedMessage = {
      seq: ++this.seq,
      siteId: 's',
      kind: 'sensor',
      deviceId,
      stream: 'telemetry',
      msgId: `m${this.seq}`,
      payload: {},
      observedAt: new Date(0),
      receivedAt: new Date(1_000 * this.seq),
      lastWill: false,
      ...extra,
    };
    this.messages.push(m);
    return m;
  }

  readonly repo = {
    handlerCursor: async (name: string) => this.cursors.get(name) ?? { seq: 0, applied: 0 },
    saveHandlerCursor: async (name: string, c: HandlerCursor) => void this.cursors.set(name, c),
    messagesAfter: async (seq: number, limit: number, sel: MessageSelector = {}) => {
      if (this.failNextReads > 0 && this.failNextReads--) throw new Error('database away');
      return this.messages.filter((m) => m.seq > seq && selects(sel, m)).slice(0, limit);
    },
    deviceMessagesBetween: async (siteId: string, deviceId: string, after: number, upTo: number, sel: MessageSelector = {}) =>
      this.messages.filter((m) => m.siteId === siteId && m.deviceId === deviceId && m.seq > after && m.seq <= upTo && selects(sel, m)),
    recordHandlerFailure: async (handler: string, m: AcceptedMessage) => void this.failures.push({ handler, seq: m.seq }),
  };
}

/** Records batches; can hold a batch open, or throw for chosen seqs. */
class TestHandler implements MessageHandler {
  readonly name = 'test';
  readonly batches: number[][] = [];
  readonly applied: number[] = [];
  failSeqs = new Map<number, number>(); // seq → times left to throw
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private entered: (() => void) | undefined;

  constructor(
    readonly selects: MessageSelector = {},
    private readonly urgentDevice?: string,
    readonly independentDevices = false,
  ) {}

  urgent(m: AcceptedMessage): boolean {
    return m.deviceId === this.urgentDevice && m.payload.alarm === true;
  }

  /** The next batch waits until release(); resolves when it has started. */
  hold(): Promise<void> {
    this.gate = new Promise((r) => (this.release = r));
    return new Promise((r) => (this.entered = r));
  }

  open(): void {
    this.release?.();
  }

  async applyBatch(batch: readonly AcceptedMessage[]): Promise<void> {
    for (const m of batch) {
      const left = this.failSeqs.get(m.seq) ?? 0;
      if (left > 0) {
        this.failSeqs.set(m.seq, left - 1);
        throw new Error(`boom on ${m.seq}`);
      }
    }
    this.batches.push(batch.map((m) => m.seq));
    const gate = this.gate;
    if (gate && batch.every((m) => m.payload.alarm !== true)) {
      this.gate = undefined;
      this.entered?.();
      await gate;
    }
    this.applied.push(...batch.map((m) => m.seq));
  }
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

const FAST: PipelineOptions = { maxQueued: 10_000, maxBatch: 100, attempts: 3, retryMs: 1, cursorEveryMs: 0, pauseMs: 1 };
const quiet = { error: () => undefined, warn: () => undefined };

async function started(store: MemoryStore, handler: TestHandler, options: Partial<PipelineOptions> = {}) {
  const p = new HandlerPipeline(handler, 'c:test', 'c', store.repo, quiet, { ...FAST, ...options });
  await p.start();
  return p;
}

/** A cluster's pipeline (leak alarms urgent, batches of 100) with its first segment held in the handler while the rest queue up. */
async function clusterPipelineBusy() {
  const store = new MemoryStore();
  const handler = new TestHandler({}, 'leak');
  const p = await started(store, handler, { maxBatch: 100 });
  const release = handler.hold();
  p.enqueue([store.add('x')], { from: 0, upTo: 1 });
  await release;
  return { store, handler, p };
}

/** The lane's batch came right after the one under way; then everything once, the cursor at the alarm. */
function expectLaneFirst(handler: TestHandler, p: HandlerPipeline, lane: readonly AcceptedMessage[], total: number): void {
  expect(handler.batches[1]).toEqual(lane.map((m) => m.seq));
  expect(handler.applied).toHaveLength(total);
  expect(new Set(handler.applied).size).toBe(total);
  expect(p.stats()).toMatchObject({ appliedSeq: lane.at(-1)!.seq, applied: total, urgent: lane.length });
}

describe(HandlerPipeline.name, () => {
  it('hands over only the selected kinds, in seq order, in batches of at most maxBatch, and saves the cursor with the count', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler({ kinds: ['sensor'] });
    const p = await started(store, handler);
    const batch = Array.from({ length: 250 }, (_, i) => store.add(`d${i % 7}`, i % 5 === 0 ? { kind: 'gate' } : {}));
    p.enqueue(batch);
    await p.idle();
    const sensors = batch.filter((m) => m.kind === 'sensor').map((m) => m.seq);
    expect(handler.applied).toEqual(sensors);
    expect(Math.max(...handler.batches.map((b) => b.length))).toBeLessThanOrEqual(100);
    expect(store.cursors.get('c:test')).toEqual({ seq: 250, applied: sensors.length });
  });

  it('the next batch does not wait for a cursor write; idle() does, and then writes where the pipeline got to', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler();
    const p = await started(store, handler);
    let release: () => void = () => undefined;
    const writes: HandlerCursor[] = [];
    store.repo.saveHandlerCursor = async (name: string, c: HandlerCursor) => {
      writes.push(c);
      if (writes.length === 1) await new Promise<void>((r) => (release = r));
      store.cursors.set(name, c);
    };
    p.enqueue([store.add('d1')]);
    await until(() => writes.length === 1);
    p.enqueue([store.add('d1')]);
    await until(() => handler.applied.length === 2);
    expect(store.cursors.get('c:test')).toBeUndefined();
    let idle = false;
    const idling = p.idle().then(() => (idle = true));
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false);
    release();
    await idling;
    expect(store.cursors.get('c:test')).toEqual({ seq: 2, applied: 2 });
  });

  it('replays what was stored after the saved cursor at start-up, and nothing before it', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 30; i++) store.add('d1');
    store.cursors.set('c:test', { seq: 12, applied: 12 });
    const handler = new TestHandler();
    const p = await started(store, handler);
    expect(handler.applied).toEqual(Array.from({ length: 18 }, (_, i) => 13 + i));
    expect(p.stats()).toMatchObject({ appliedSeq: 30, applied: 30, pending: 0, catchingUp: false });
  });

  it('applies an urgent message, with the earlier pending messages of its device, right after the batch under way, ahead of the backlog', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler({}, 'leak');
    const p = await started(store, handler);
    const backlogHeld = handler.hold();
    p.enqueue(Array.from({ length: 100 }, () => store.add('temp')));
    await backlogHeld; // the first backlog batch is in the handler and stays there
    const before = store.add('leak');
    const more = Array.from({ length: 300 }, () => store.add('temp'));
    const alarm = store.add('leak', { payload: { alarm: true } });
    p.enqueue([before, ...more, alarm]);
    handler.open();
    await p.idle();
    // Never two handler calls at once; the lane's batch is the next one, then the backlog passes over it.
    expectLaneFirst(handler, p, [before, alarm], 402);
  });

  it('with independent devices, the lane runs beside a batch under way of other devices; the backlog waits for the lane', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler({}, 'leak', true);
    const p = await started(store, handler);
    const backlogHeld = handler.hold();
    p.enqueue(Array.from({ length: 100 }, () => store.add('temp')));
    await backlogHeld; // the first backlog batch is in the handler and stays there
    const before = store.add('leak');
    const more = Array.from({ length: 300 }, () => store.add('temp'));
    const alarm = store.add('leak', { payload: { alarm: true } });
    p.enqueue([before, ...more, alarm]);
    await until(() => handler.applied.includes(alarm.seq));
    // Applied while the batch of temp readings is still in the handler, in its device's order.
    expect(handler.applied).toEqual([before.seq, alarm.seq]);
    handler.open();
    await p.idle();
    expect(handler.batches[2]?.[0]).toBe(more[0]!.seq); // the backlog resumes after the lane, passing over it
    expect(handler.applied).toHaveLength(402);
    expect(new Set(handler.applied).size).toBe(402);
    expect(p.stats()).toMatchObject({ appliedSeq: alarm.seq, applied: 402, urgent: 2 });
  });

  it('with independent devices, the lane still waits for a batch under way that holds its own device', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler({}, 'leak', true);
    const p = await started(store, handler);
    const backlogHeld = handler.hold();
    const first = [...Array.from({ length: 50 }, () => store.add('temp')), store.add('leak'), ...Array.from({ length: 49 }, () => store.add('temp'))];
    p.enqueue(first);
    await backlogHeld;
    const alarm = store.add('leak', { payload: { alarm: true } });
    p.enqueue([alarm]);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(handler.applied).toEqual([]); // the leak's earlier reading is in the held batch: the alarm waits for it
    handler.open();
    await p.idle();
    expect(handler.batches[1]).toEqual([alarm.seq]);
    expect(handler.applied).toEqual([...first.map((m) => m.seq), alarm.seq]);
  });

  it('an urgent message arriving in one batch with a backlog goes before that backlog', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler({}, 'leak');
    const p = await started(store, handler);
    const backlog = Array.from({ length: 300 }, () => store.add('temp'));
    const alarm = store.add('leak', { payload: { alarm: true } });
    p.enqueue([...backlog, alarm]);
    await p.idle();
    expect(handler.batches[0]).toEqual([alarm.seq]);
    expect(handler.applied).toHaveLength(301);
  });

  it('in catch-up, the lane reads the device\'s pending messages from the store', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler({}, 'leak');
    const p = await started(store, handler, { maxQueued: 50 });
    const backlogHeld = handler.hold();
    p.enqueue(Array.from({ length: 40 }, () => store.add('temp')));
    await backlogHeld;
    const overflow = Array.from({ length: 60 }, () => store.add('temp')); // over maxQueued: dropped, read back later
    p.enqueue(overflow);
    expect(p.stats().catchingUp).toBe(true);
    const alarm = store.add('leak', { payload: { alarm: true } });
    p.enqueue([alarm]);
    handler.open();
    await p.idle();
    expect(handler.batches[1]).toEqual([alarm.seq]);
    expect(handler.applied).toHaveLength(101);
    expect(new Set(handler.applied).size).toBe(101);
  });

  it('retries a failing batch and applies it once it succeeds; every error is counted', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler();
    const p = await started(store, handler);
    const batch = Array.from({ length: 5 }, () => store.add('d1'));
    handler.failSeqs.set(batch[2]!.seq, 2);
    p.enqueue(batch);
    await p.idle();
    expect(handler.applied).toEqual(batch.map((m) => m.seq));
    expect(p.stats()).toMatchObject({ errors: 2, failed: 0, applied: 5 });
    expect(store.failures).toEqual([]);
  });

  it('a message that fails every attempt is recorded, not skipped in silence; its neighbours are applied', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler();
    const p = await started(store, handler);
    const batch = Array.from({ length: 5 }, () => store.add('d1'));
    const poison = batch[3]!.seq;
    handler.failSeqs.set(poison, 100);
    p.enqueue(batch);
    await p.idle();
    expect(handler.applied).toEqual(batch.map((m) => m.seq).filter((s) => s !== poison));
    expect(store.failures).toEqual([{ handler: 'test', seq: poison }]);
    expect(p.stats()).toMatchObject({ failed: 1, applied: 5, appliedSeq: batch[4]!.seq });
    expect(p.stats().lastError).toContain(`boom on ${poison}`);
  });

  it('a database error pauses the pipeline and it resumes from its cursor: nothing lost, nothing twice', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler();
    const p = await started(store, handler, { maxQueued: 10 });
    store.failNextReads = 2;
    const batch = Array.from({ length: 30 }, () => store.add('d1')); // overflow: read from the store, which fails twice
    p.enqueue(batch);
    await p.idle();
    expect(handler.applied).toEqual(batch.map((m) => m.seq));
    expect(p.stats().lastError).toContain('database away');
  });

  it('reports the arrival time of the oldest message still waiting', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler();
    const p = await started(store, handler);
    const held = handler.hold();
    const first = store.add('d1');
    p.enqueue([first]);
    await held;
    const waiting = store.add('d1');
    p.enqueue([waiting]);
    expect(p.stats()).toMatchObject({ pending: 1, oldestPendingAt: waiting.receivedAt.toISOString() });
    handler.open();
    await p.idle();
    expect(p.stats().oldestPendingAt).toBeUndefined();
  });

  it('poke(): reads what another server committed, and reads again when poked during a read', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler();
    const p = await started(store, handler);
    store.add('a');
    store.add('b');
    p.poke();
    await p.idle();
    expect(handler.applied).toEqual([1, 2]);
    // A commit lands while the pipeline reads: that read missed it, the poke it brought is not lost.
    const read = store.repo.messagesAfter;
    store.repo.messagesAfter = async (...args) => {
      const page = await read(...args);
      if (store.messages.length === 2) {
        store.add('c');
        p.poke();
      }
      return page;
    };
    p.poke();
    await p.idle();
    expect(handler.applied).toEqual([1, 2, 3]);
    expect(store.cursors.get('c:test')).toEqual({ seq: 3, applied: 3 });
  });

  it('catch-up moves the cursor past messages of other kinds up to the stored head, so the next read starts there', async () => {
    const store = new MemoryStore();
    const repo = { ...store.repo, headSeq: async () => store.messages.length };
    const handler = new TestHandler({ kinds: ['gate'] });
    const p = new HandlerPipeline(handler, 'c:test', 'c', repo, quiet, FAST);
    await p.start();
    for (let i = 0; i < 5; i++) store.add(`d${i}`); // sensors only: nothing for this handler
    p.poke();
    await p.idle();
    expect(store.cursors.get('c:test')).toEqual({ seq: 5, applied: 0 });
    store.add('g', { kind: 'gate' });
    p.poke();
    await p.idle();
    expect(handler.applied).toEqual([6]);
    expect(store.cursors.get('c:test')).toEqual({ seq: 6, applied: 1 });
  });

  it('in catch-up, the next page is read while the current one is applied, and applied after it in order', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 250; i++) store.add(`d${i % 7}`);
    const reads: number[] = [];
    const read = store.repo.messagesAfter;
    store.repo.messagesAfter = async (...args) => (reads.push(args[0]), read(...args));
    const handler = new TestHandler();
    const p = new HandlerPipeline(handler, 'c:test', 'c', store.repo, quiet, FAST);
    const firstHeld = handler.hold();
    const started = p.start();
    await firstHeld;
    expect(reads).toEqual([0, 100]); // the second page was asked for before the first is done
    handler.open();
    await started;
    expect(reads).toEqual([0, 100, 200]);
    expect(handler.applied).toEqual(store.messages.map((m) => m.seq));
    expect(store.cursors.get('c:test')).toEqual({ seq: 250, applied: 250 });
  });

  it('a backlog that overflows while a catch-up read is under way is read again, not lost', async () => {
    const store = new MemoryStore();
    const handler = new TestHandler();
    const p = new HandlerPipeline(handler, 'c:test', 'c', store.repo, quiet, { ...FAST, maxQueued: 3 });
    await p.start();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let asked!: () => void;
    const reading = new Promise<void>((r) => (asked = r));
    const read = store.repo.messagesAfter;
    store.repo.messagesAfter = async (...args) => {
      const page = await read(...args); // what is committed when the read starts
      store.repo.messagesAfter = read;
      asked();
      await gate;
      return page;
    };
    p.poke();
    await reading;
    const late = [store.add('a'), store.add('b'), store.add('c'), store.add('d')];
    p.enqueue(late.slice(0, 2));
    p.enqueue(late.slice(2)); // over maxQueued: the queue is dropped, the database has them
    release();
    await p.idle();
    expect(handler.applied).toEqual(late.map((m) => m.seq));
  });

  it("a cluster's segment that starts past the cursor sends the pipeline to the database for what came before, then on", async () => {
    const store = new MemoryStore();
    const handler = new TestHandler({ kinds: ['sensor'] });
    const p = await started(store, handler, { urgentLane: false });
    const missed = [store.add('a'), store.add('b', { kind: 'gate' }), store.add('c')];
    const segment = [store.add('d'), store.add('e')];
    p.enqueue(segment, { from: 3, upTo: 6 }); // seq 6: a gap of a rolled-back commit, say
    await p.idle();
    expect(handler.applied).toEqual([missed[0]!.seq, missed[2]!.seq, ...segment.map((m) => m.seq)]);
    expect(p.stats()).toMatchObject({ appliedSeq: 6, applied: 4 });
  });

  it("a cluster's segments that follow on fill a batch up to maxBatch, a segment that does not fit split across two", async () => {
    const store = new MemoryStore();
    const handler = new TestHandler();
    const p = await started(store, handler, { urgentLane: false, maxBatch: 5 });
    const release = handler.hold();
    p.enqueue([store.add('x')], { from: 0, upTo: 1 }); // held in the handler while the rest queue up
    await release;
    const seg = (n: number) => Array.from({ length: n }, (_, i) => store.add(`d${i}`));
    const [a, b, c, d] = [seg(2), seg(2), seg(2), seg(1)];
    p.enqueue(a, { from: 1, upTo: 3 });
    p.enqueue(b, { from: 3, upTo: 5 });
    p.enqueue(c, { from: 5, upTo: 7 }); // one of its two fits
    p.enqueue(d, { from: 7, upTo: 8 });
    p.enqueue([], { from: 8, upTo: 9 });
    handler.open();
    await p.idle();
    const seqs = (ms: AcceptedMessage[]) => ms.map((m) => m.seq);
    expect(handler.batches).toEqual([[1], [...seqs(a), ...seqs(b), c[0]!.seq], [c[1]!.seq, ...seqs(d)]]);
    expect(store.cursors.get('c:test')).toEqual({ seq: 9, applied: 8 });
  });

  it("a cluster's segments split where a batch is full: every message once, in seq order, batches full but the last", async () => {
    const store = new MemoryStore();
    const handler = new TestHandler();
    const p = await started(store, handler, { urgentLane: false, maxBatch: 4 });
    const release = handler.hold();
    p.enqueue([store.add('x')], { from: 0, upTo: 1 });
    await release;
    const seg = (n: number) => Array.from({ length: n }, (_, i) => store.add(`d${i}`));
    const [a, b, c] = [seg(3), seg(3), seg(3)]; // seqs 2-4, 5-7, 8-10
    p.enqueue(a, { from: 1, upTo: 4 });
    p.enqueue(b, { from: 4, upTo: 7 });
    p.enqueue(c, { from: 7, upTo: 12 }); // 11-12: rows no pipeline here takes
    handler.open();
    await p.idle();
    expect(handler.batches).toEqual([[1], [2, 3, 4, 5], [6, 7, 8, 9], [10]]);
    expect(store.cursors.get('c:test')).toEqual({ seq: 12, applied: 10 });
  });

  it("in a cluster too, an urgent message in a segment goes ahead of the segments queued before it, with its device's earlier ones", async () => {
    const { store, handler, p } = await clusterPipelineBusy();
    const backlog = Array.from({ length: 300 }, () => store.add('temp'));
    p.enqueue(backlog.slice(0, 150), { from: 1, upTo: 151 });
    const before = store.add('leak');
    p.enqueue([...backlog.slice(150), before], { from: 151, upTo: 302 });
    const other = store.add('temp');
    const alarm = store.add('leak', { payload: { alarm: true } });
    p.enqueue([other, alarm], { from: 302, upTo: 304 });
    handler.open();
    await p.idle();
    expectLaneFirst(handler, p, [before, alarm], 304);
  });

  it("an alarm another server stored (its commit notice) is applied from the database ahead of the backlog, before the reader brings it; the backlog passes over it", async () => {
    const { store, handler, p } = await clusterPipelineBusy();
    const read = Array.from({ length: 200 }, () => store.add('temp'));
    p.enqueue(read, { from: 1, upTo: 201 }); // read so far
    const before = store.add('leak');
    const unread = Array.from({ length: 100 }, () => store.add('temp'));
    const alarm = store.add('leak', { payload: { alarm: true } }); // stored, not read yet
    p.urgentStored(alarm);
    handler.open();
    await until(() => handler.applied.includes(alarm.seq));
    expect(handler.batches[1]).toEqual([before.seq, alarm.seq]); // before the 200 read ones
    p.enqueue([before, ...unread, alarm], { from: 201, upTo: alarm.seq }); // the reader gets there
    await p.idle();
    expectLaneFirst(handler, p, [before, alarm], alarm.seq);
  });

  it("a cluster's segment with nothing this handler takes still moves its cursor", async () => {
    const store = new MemoryStore();
    const handler = new TestHandler({ kinds: ['sensor'] });
    const p = await started(store, handler, { urgentLane: false });
    const gates = [store.add('g', { kind: 'gate' }), store.add('g', { kind: 'gate' })];
    p.enqueue(gates, { from: 0, upTo: 2 });
    p.enqueue([], { from: 2, upTo: 9 });
    await p.idle();
    expect(handler.applied).toEqual([]);
    expect(store.cursors.get('c:test')).toEqual({ seq: 9, applied: 0 });
  });
});
