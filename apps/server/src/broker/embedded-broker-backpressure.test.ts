// Issue 9.5: the embedded broker stops reading device sockets while ingest's commit queue is
// long, so a device that publishes without waiting for its PUBACKs waits in TCP instead of in
// the server's memory. A real aedes on an ephemeral port; ingest is a stand-in whose commits the
// test releases; the devices are raw sockets, so the test knows when each packet left.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker, type IngestSink } from './embedded-broker';
import type { CredentialDirectory } from './device-acl';

const SITE = 'lakeside';

/** Ingest whose submissions wait until the test releases them; its backlog is what waits. */
function heldIngest() {
  const held: { device: string; resolve(): void }[] = [];
  const waiters: { below: number; resolve(): void }[] = [];
  const submitted: string[] = [];
  const ingest = {
    submit: ({ publisher }: { publisher: { device: string } }) =>
      new Promise((resolve) => {
        submitted.push(publisher.device);
        held.push({ device: publisher.device, resolve: () => resolve({ status: 'accepted', seq: submitted.length }) });
      }),
    reject: () => Promise.resolve(),
    get backlog() {
      return held.length;
    },
    backlogBelow: (below: number) =>
      held.length < below ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ below, resolve })),
  };
  return {
    ingest: ingest as unknown as IngestSink,
    submitted,
    of: (device: string) => submitted.filter((d) => d === device).length,
    /** Commits everything waiting. */
    releaseAll(): void {
      for (const h of held.splice(0)) h.resolve();
      for (const w of waiters.splice(0)) w.resolve();
    },
  };
}

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const devices: CredentialDirectory = { device: (_site, id) => ({ kind: 'sensor', secret: `secret-${id}` }) };

function utf8(text: string): Buffer {
  const bytes = Buffer.from(text);
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
}

/** Fixed header + body; bodies here stay under 128 bytes (one length byte) [MQTT-2.2.3]. */
const frame = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, body.length]), body]);

// [MQTT-3.1.2]: protocol MQTT level 4, flags user name + password + clean session, keepalive 60 s.
const connectPacket = (id: string) =>
  frame(0x10, Buffer.concat([utf8('MQTT'), Buffer.from([4, 0xc2, 0, 60]), utf8(`fleet-${id}`), utf8(`${SITE}:${id}`), utf8(`secret-${id}`)]));

const publishPacket = (id: string, messageId: number) =>
  frame(0x32, Buffer.concat([utf8(`estate/v1/${SITE}/sensor/${id}/status`), Buffer.from([messageId >> 8, messageId & 0xff]), Buffer.from('{"online":true}')]));

interface Device {
  socket: Socket;
  /** PUBACKs received. */
  acks(): number;
  send(packet: Buffer): Promise<void>;
}

async function device(port: number, id: string): Promise<Device> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
  const send = (packet: Buffer) => new Promise<void>((resolve, reject) => socket.write(packet, (error) => (error ? reject(error) : resolve())));
  await send(connectPacket(id));
  await until(() => received.length >= 4);
  expect([...received.subarray(0, 4)]).toEqual([0x20, 2, 0, 0]); // CONNACK, accepted
  return { socket, send, acks: () => (received.length - 4) / 4 };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

describe('embedded broker: backpressure from the commit queue (issue 9.5)', () => {
  let broker: EmbeddedBroker | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await broker?.stop();
  });

  it('a device publishing without waiting for PUBACKs is not read while the queue is long; the rest arrives when it drains', async () => {
    const f = heldIngest();
    broker = new EmbeddedBroker(f.ingest, devices, {
      port: 0,
      host: '127.0.0.1',
      limits: { deviceMessagesPerSec: 0, connectionsPerSec: 0 },
      readGate: { high: 3, low: 1, maxPauseMs: 60_000 },
    }, quiet);
    const port = await broker.start();
    const [a, b] = [await device(port, 'a'), await device(port, 'b')];
    sockets.push(a.socket, b.socket);

    for (let n = 1; n <= 3; n++) {
      await a.send(publishPacket('a', n));
      await until(() => f.of('a') === n);
    }
    // The queue is at its high mark: this packet finds the gate closed, is read, and a's socket waits.
    await a.send(publishPacket('a', 4));
    await until(() => f.of('a') === 4);
    await a.send(publishPacket('a', 5));
    // b's socket was not paused (it delivered nothing since): its packet, sent after a's fifth, is
    // read; without the gate a's fifth would have been read first (loopback, the earlier data).
    await b.send(publishPacket('b', 1));
    await until(() => f.of('b') === 1);
    expect(f.of('a')).toBe(4);
    expect(broker.readPauses).toBe(1);

    f.releaseAll();
    await until(() => f.of('a') === 5);
    f.releaseAll();
    await until(() => a.acks() === 5 && b.acks() === 1);
    expect(f.submitted).toEqual(['a', 'a', 'a', 'a', 'b', 'a']);
  });
});
