// The restart that exited with code 1 in the fault suite, on a Mosquitto of the test's own run
// from deploy/mosquitto (max_inflight_messages 1000): the server comes back to a persistent
// session holding a backlog. Mosquitto sends up to 1000 queued messages right after the CONNACK
// and only then the SUBACK, so on a loaded machine (the broker and the server each getting a
// slice of a CPU) the SUBACK reaches the server seconds later. Here a forwarder that passes the
// broker's bytes at 256 kB/s stands in for that. Start-up must wait for the SUBACK instead of
// giving up on a timer and closing every connection mid-SUBSCRIBE.
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Transform } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type OwnMosquitto } from '../../../../tests/support/mosquitto';
import { SITE, TOPIC } from '../../../../tests/support/mqtt-ingest';
import { connectClient } from '../../../../tests/support/mqtt-clients';
import type { IngestSink } from './embedded-broker';
import { ExternalBroker } from './external-broker';
import type { ConsumedDevice } from './external-broker-shards';

const SERVICE = { username: 'estate-backlog-server', password: 'backlog-service-pw-1' };
const DEVICE: ConsumedDevice = { siteId: 'lakeside', kind: 'checkpoint', id: 'cp-1' };
const BACKLOG = 1500;
const BYTES_PER_MS = 256;

/** Forwards to `port`; what the broker sends reaches the client at BYTES_PER_MS. */
async function slowLink(port: number): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    const throttle = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        setTimeout(() => done(null, chunk), Math.ceil(chunk.length / BYTES_PER_MS));
      },
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => (client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream);
    upstream.pipe(throttle).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('MQTT_URL: a server restarted onto a session with a backlog (own Mosquitto, deploy config)', () => {
  let mosquitto: OwnMosquitto;
  const log: string[] = [];
  const logger = { log: (m: unknown) => void log.push(String(m)), warn: (m: unknown) => void log.push(String(m)), error: (m: unknown) => void log.push(String(m)) };
  const received = new Set<string>();
  const ingest = {
    submit: ({ payload }: { payload: Buffer }) => {
      received.add(payload.subarray(0, 8).toString().trim());
      return Promise.resolve();
    },
    reject: () => undefined,
  } as unknown as IngestSink;
  const options = { username: SERVICE.username, password: SERVICE.password, clientId: 'ew-backlog', devices: [DEVICE], shards: 1, connectTimeoutMs: 1_000 };

  beforeAll(async () => {
    mosquitto = await startMosquitto([SITE], SERVICE);
  });
  afterAll(async () => {
    await mosquitto?.remove();
  });

  it(`comes back: start() waits for the SUBACK behind ${BACKLOG} queued messages, then every one is read`, async () => {
    // First run: the persistent session and its subscription. Then the server is gone (as kill -9).
    const first = new ExternalBroker(ingest, { url: mosquitto.url, ...options }, logger);
    await first.start();
    await first.stop(true);
    const device = await connectClient(mosquitto.port, `${DEVICE.siteId}:${DEVICE.id}`, `secret-${DEVICE.id}`);
    await Promise.all(Array.from({ length: BACKLOG }, (_, i) => device.client.publishAsync(TOPIC.tap, `m${i}`.padEnd(1024), { qos: 1 })));
    await device.end();

    const link = await slowLink(mosquitto.port);
    const restarted = new ExternalBroker(ingest, { url: link.url, ...options }, logger);
    try {
      const t0 = performance.now();
      await restarted.start();
      // The SUBACK came later than connectTimeoutMs: the case that used to fail start-up.
      expect(performance.now() - t0).toBeGreaterThan(options.connectTimeoutMs);
      expect(restarted.isUp()).toBe(true);
      await expect.poll(() => received.size, { timeout: 60_000 }).toBe(BACKLOG);
      expect(log.filter((l) => /ACL|refused|cannot connect/.test(l))).toEqual([]);
    } finally {
      await restarted.stop(true);
      await link.close();
    }
  }, 120_000);
});
