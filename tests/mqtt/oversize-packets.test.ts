// The packet-size cap holds before authentication: a huge CONNECT is cut at its fixed header.
import { connect as tcpConnect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../apps/server/src/broker/embedded-broker';
import type { Database } from '../../apps/server/src/db/database';
import { envelope, ingestOn, openPglite, testClock, TOPIC, type IngestFixture } from '../support/mqtt-ingest';
import { closed, connectClient, type Connected } from '../support/mqtt-clients';

const MiB = 1024 * 1024;

describe('packet-size cap (16 KiB) on the embedded broker', () => {
  let db: Database;
  let f: IngestFixture;
  let broker: EmbeddedBroker;
  let port: number;
  const clients: Connected[] = [];

  beforeEach(async () => {
    db = await openPglite();
    f = await ingestOn(db, testClock());
    broker = new EmbeddedBroker(f.ingest, f.sites, { port: 0, host: '127.0.0.1', maxPacketBytes: 16 * 1024 });
    port = await broker.start();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.client.endAsync(true)));
    await broker.stop();
    await f.ingest.stop();
    await db.close();
  });

  it('drops a 100 MiB CONNECT at its header, before authentication, without buffering it', async () => {
    const before = process.memoryUsage().rss;
    const socket = await openSocket(port);
    const declared = 100 * MiB;
    const { sent, closedEarly } = await stream(socket, Buffer.from([0x10, ...remainingLength(declared)]), declared);
    const grown = process.memoryUsage().rss - before;
    expect(closedEarly).toBe(true);
    // Loopback socket buffers take a few MiB before the close is seen; nowhere near 100.
    expect(sent).toBeLessThan(20 * MiB);
    expect(grown).toBeLessThan(40 * MiB);
  });

  it('lets a device publish under the cap (the contract then rejects the 10 KiB payload, acknowledged)', async () => {
    const c = await connectClient(port, 'lakeside:cp-1', 'secret-cp-1');
    clients.push(c);
    await c.client.publishAsync(TOPIC.tap, Buffer.alloc(10 * 1024, 0x20), { qos: 1 });
    expect(c.client.connected).toBe(true);
    expect(await db.query('SELECT last_reason FROM device_rejections')).toEqual([{ last_reason: expect.stringMatching(/over the 4096-byte limit/) }]);
  });

  it('cuts an authenticated device sending a packet over the cap, unacknowledged', async () => {
    const c = await connectClient(port, 'lakeside:cp-1', 'secret-cp-1');
    clients.push(c);
    let acked = false;
    c.client.publish(TOPIC.tap, Buffer.alloc(20 * 1024, 0x20), { qos: 1 }, (error) => (acked = !error));
    await closed(c.client);
    expect(acked).toBe(false);
    // Still serving: a fresh connection works and a valid message lands.
    const again = await connectClient(port, 'lakeside:cp-1', 'secret-cp-1');
    clients.push(again);
    await again.client.publishAsync(TOPIC.tap, JSON.stringify(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'after-cut')), { qos: 1 });
    expect(await db.query('SELECT msg_id FROM device_messages')).toEqual([{ msg_id: 'after-cut' }]);
  });
});

function remainingLength(length: number): number[] {
  const bytes: number[] = [];
  do {
    let digit = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) digit |= 0x80;
    bytes.push(digit);
  } while (length > 0);
  return bytes;
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes the header then `bodyBytes` of zeros, honouring backpressure, until done or the server closes. */
async function stream(socket: Socket, head: Buffer, bodyBytes: number): Promise<{ sent: number; closedEarly: boolean }> {
  let isClosed = false;
  const whenClosed = new Promise<void>((resolve) => socket.once('close', () => ((isClosed = true), resolve())));
  socket.on('error', () => undefined); // EPIPE / ECONNRESET once the server cuts us off
  const chunk = Buffer.alloc(64 * 1024);
  socket.write(head);
  let sent = 0;
  while (sent < bodyBytes && !isClosed) {
    const ok = socket.write(chunk);
    sent += chunk.length;
    if (!ok) await Promise.race([new Promise((r) => socket.once('drain', r)), whenClosed]);
  }
  const closedEarly = isClosed || sent < bodyBytes;
  if (!isClosed) socket.destroy();
  return { sent, closedEarly: closedEarly && sent < bodyBytes };
}
