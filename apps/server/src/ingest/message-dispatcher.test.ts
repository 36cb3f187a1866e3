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
