// committedHere: every handler hears each batch this server commits, from memory, whether its
// pipeline runs here or (in a cluster) on another server.
import { describe, expect, it } from 'vitest';
import type { AcceptedMessage, MessageHandler } from './accepted-message';
import { MessageDispatcher } from './message-dispatcher';

const message = (seq: number): AcceptedMessage => ({
  seq,
  siteId: 's',
  kind: 'sensor',
  deviceId: 'd',
  stream: 'telemetry',
  msgId: `m${seq}`,
  payload: {},
  receivedAt: new Date(seq * 1_000),
  lastWill: false,
});

const repo = {
  handlerCursor: async () => ({ seq: 0, applied: 0 }),
  saveHandlerCursor: async () => undefined,
  messagesAfter: async () => [],
  deviceMessagesBetween: async () => [],
  recordHandlerFailure: async () => undefined,
  headSeq: async () => 0,
  pageAfterExcept: async () => ({ head: 0, messages: [] }),
};

/** Hears committedHere; applies nothing it is given (the pipelines are not what is tested here). */
function hearing(name: string, fails = false): MessageHandler & { heard: number[] } {
  const heard: number[] = [];
  return {
    name,
    selects: { streams: ['status'] },
    heard,
    applyBatch: async () => undefined,
    committedHere: (batch) => {
      if (fails) throw new Error('broken');
      heard.push(...batch.map((m) => m.seq));
    },
  };
}

describe('MessageDispatcher: committedHere', () => {
  it.each([
    { setup: 'one server: every pipeline runs here', clustered: false },
    { setup: 'a cluster: no pipeline runs here (their leases are elsewhere)', clustered: true },
  ])('$setup: each handler hears every commit made here, even messages it does not select; one that throws stops none', async ({ clustered }) => {
    const warnings: string[] = [];
    const dispatcher = new MessageDispatcher(repo, 'test', {}, { error: () => undefined, warn: (line: string) => void warnings.push(line) });
    const broken = hearing('broken', true);
    const a = hearing('a');
    const b = hearing('b');
    for (const h of [broken, a, b]) dispatcher.register(h);
    if (clustered) dispatcher.cluster();
    await dispatcher.start();
    dispatcher.enqueue([message(1), message(2)]);
    dispatcher.enqueue([]);
    dispatcher.enqueue([message(3)]);
    expect([a.heard, b.heard]).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(warnings).toHaveLength(2);
    await dispatcher.idle();
    dispatcher.stop();
  });
});

describe('MessageDispatcher: alarms in a cluster', () => {
  it("a pipeline owned here applies an alarm another server stored ahead of the backlog read with it (the urgent lane runs in a cluster too)", async () => {
    const rows: AcceptedMessage[] = [];
    const add = (alarm = false) => {
      const m = { ...message(rows.length + 1), deviceId: alarm ? 'leak' : 'temp', payload: alarm ? { alarm: true } : {} };
      rows.push(m);
      return m;
    };
    const reads = {
      ...repo,
      headSeq: async () => rows.at(-1)?.seq ?? 0,
      pageAfterExcept: async (after: number, limit: number) => ({ head: rows.at(-1)?.seq ?? 0, messages: rows.filter((m) => m.seq > after).slice(0, limit) }),
    };
    const batches: number[][] = [];
    const equipment: MessageHandler = {
      name: 'equipment',
      selects: { kinds: ['sensor'] },
      urgent: (m) => m.payload.alarm === true,
      applyBatch: async (batch) => void batches.push(batch.map((m) => m.seq)),
    };
    const dispatcher = new MessageDispatcher(reads, 'test', { maxBatch: 100 }, { error: () => undefined, warn: () => undefined });
    dispatcher.register(equipment);
    dispatcher.cluster();
    await dispatcher.start();
    await dispatcher.own('equipment');
    dispatcher.poke(); // the reader follows from the head (nothing stored yet)
    await dispatcher.idle();
    for (let i = 0; i < 350; i++) add(); // another server's burst of readings
    const alarm = add(true);
    dispatcher.poke(); // its NOTIFY
    await dispatcher.idle();
    expect(batches[0]).toEqual([alarm.seq]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(rows.map((m) => m.seq));
    expect(dispatcher.stats()[0]).toMatchObject({ name: 'equipment', applied: 351, urgent: 1 });
    dispatcher.stop();
  });
});

describe('MessageDispatcher: an alarm named in a commit notice', () => {
  it('goes to the pipelines here that take it at once, before the read of that commit returns', async () => {
    const rows: AcceptedMessage[] = [];
    let releaseRead: (() => void) | undefined;
    const reads = {
      ...repo,
      headSeq: async () => rows.at(-1)?.seq ?? 0,
      deviceMessagesBetween: async (siteId: string, deviceId: string, after: number, upTo: number) =>
        rows.filter((m) => m.siteId === siteId && m.deviceId === deviceId && m.seq > after && m.seq <= upTo),
      pageAfterExcept: async (after: number, limit: number) => {
        const page = { head: rows.at(-1)?.seq ?? 0, messages: rows.filter((m) => m.seq > after).slice(0, limit) };
        if (page.messages.length > 0) await new Promise<void>((r) => (releaseRead = r)); // a slow read of the burst
        return page;
      },
    };
    const batches: number[][] = [];
    const equipment: MessageHandler = { name: 'equipment', selects: { kinds: ['sensor'] }, urgent: (m) => m.payload.alarm === true, applyBatch: async (b) => void batches.push(b.map((m) => m.seq)) };
    const parking: MessageHandler = { name: 'parking', selects: { kinds: ['gate'] }, applyBatch: async (b) => void batches.push(b.map((m) => -m.seq)) };
    const dispatcher = new MessageDispatcher(reads, 'test', { maxBatch: 100 }, { error: () => undefined, warn: () => undefined });
    for (const h of [equipment, parking]) dispatcher.register(h);
    dispatcher.cluster();
    await dispatcher.start();
    await dispatcher.own('equipment');
    await dispatcher.own('parking');
    dispatcher.poke();
    await dispatcher.idle();
    for (let i = 0; i < 300; i++) rows.push({ ...message(rows.length + 1), deviceId: 'temp' });
    const alarm = { ...message(rows.length + 1), deviceId: 'leak', kind: 'sensor' as const, stream: 'event' as const, payload: { alarm: true } };
    rows.push(alarm);
    dispatcher.poke({ pairs: new Set(['sensor/telemetry', 'sensor/event']), alarms: [{ siteId: 's', deviceId: 'leak', kind: 'sensor', stream: 'event', seq: alarm.seq }] });
    await until(() => batches.length > 0);
    expect(batches).toEqual([[alarm.seq]]); // while the read is still under way
    releaseRead?.();
    await dispatcher.idle();
    expect(batches.flat().sort((a, b) => a - b)).toEqual(rows.map((m) => m.seq));
    dispatcher.stop();
  });
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 10_000) throw new Error('never happened');
    await new Promise((r) => setImmediate(r));
  }
}
