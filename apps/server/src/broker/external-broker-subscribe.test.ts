// Start-up behind MQTT_URL when the SUBSCRIBE does not simply succeed (issue: a server restarted
// after kill -9 behind Mosquitto exited with code 1). An aedes stand-in for the external broker
// closes the connection on the first SUBSCRIBE, answers late (as Mosquitto does behind a resumed
// session's queued messages), or refuses (SUBACK 0x80, an ACL).
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Aedes, Client, Subscription } from 'aedes' with { 'resolution-mode': 'import' };
import { connect } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestSink } from './embedded-broker';
import { ExternalBroker, subscribeRetryMs } from './external-broker';
import type { ConsumedDevice } from './external-broker-shards';

type OnSubscribe = (n: number, client: Client, sub: Subscription, done: (error: Error | null, sub?: Subscription | null) => void) => void;

interface StandIn {
  url: string;
  subscribes: number;
  connections: number;
  close(): Promise<void>;
}

/** `connackDelayMs(clientId, attempt)`: how long the CONNACK to that client's attempt (from 1) is held. */
async function standIn(onSubscribe: OnSubscribe, connackDelayMs: (clientId: string, attempt: number) => number = () => 0): Promise<StandIn> {
  const { Aedes } = await import('aedes');
  const state = { subscribes: 0, connections: 0 };
  const attempts = new Map<string, number>();
  const aedes: Aedes = await Aedes.createBroker({
    authorizeSubscribe: (client, sub, done) => onSubscribe(++state.subscribes, client, sub, done),
    authenticate: (client, _username, _password, done) => {
      const attempt = (attempts.get(client.id) ?? 0) + 1;
      attempts.set(client.id, attempt);
      setTimeout(() => done(null, true), connackDelayMs(client.id, attempt));
    },
  });
  aedes.on('client', () => state.connections++);
  const server: Server = createServer((socket) => aedes.handle(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get subscribes() {
      return state.subscribes;
    },
    get connections() {
      return state.connections;
    },
    close: async () => {
      server.close();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}

function recordingLogger() {
  const lines: string[] = [];
  const push = (message: unknown) => void lines.push(String(message));
  return { lines, logger: { log: push, warn: push, error: push } };
}

function collectingIngest() {
  const topics: string[] = [];
  const ingest: IngestSink = {
    submit: ({ topic }: { topic: string }) => {
      topics.push(topic);
      return Promise.resolve();
    },
    reject: () => undefined,
  } as unknown as IngestSink;
  return { topics, ingest };
}

const TOPIC = 'estate/v1/lakeside/sensor/s-1/telemetry';

/** A device publishing through the stand-in; resolves once the broker has the message. */
async function publish(url: string, topic: string): Promise<void> {
  const device = connect(url, { reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => device.once('connect', () => resolve()).once('error', reject));
  await device.publishAsync(topic, '{}', { qos: 1 });
  await device.endAsync();
}

describe('ExternalBroker start-up when subscribing fails or is slow', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('a connection closed during SUBSCRIBE reconnects and subscribes again; start() waits for that, and the log does not blame the ACL', async () => {
    const broker = await standIn((n, client, sub, done) => (n === 1 ? client.close() : done(null, sub)));
    cleanup.push(() => broker.close());
    const { lines, logger } = recordingLogger();
    const { topics, ingest } = collectingIngest();
    const server = new ExternalBroker(ingest, { url: broker.url, clientId: 'ew-sub-closed', connectTimeoutMs: 5_000 }, logger);
    cleanup.push(() => server.stop(true));

    await server.start();

    expect({ connections: broker.connections, subscribes: broker.subscribes }).toEqual({ connections: 2, subscribes: 2 });
    expect(server.isUp()).toBe(true);
    expect(lines.filter((l) => /ACL|refused/.test(l))).toEqual([]);
    expect(lines.some((l) => l.includes('the connection closed before the broker answered our subscription'))).toBe(true);
    // Subscribed on the new connection: a device's message arrives.
    await publish(broker.url, TOPIC);
    await expect.poll(() => topics).toEqual([TOPIC]);
  });

  it('a SUBACK later than connectTimeoutMs (Mosquitto sends a resumed session’s queued messages first) does not fail start-up', async () => {
    const broker = await standIn((_n, _client, sub, done) => void setTimeout(() => done(null, sub), 800));
    cleanup.push(() => broker.close());
    const { lines, logger } = recordingLogger();
    const server = new ExternalBroker(collectingIngest().ingest, { url: broker.url, clientId: 'ew-sub-slow', connectTimeoutMs: 250 }, logger);
    cleanup.push(() => server.stop(true));

    await server.start();

    expect(server.isUp()).toBe(true);
    expect(broker.subscribes).toBe(1);
    expect(lines.some((l) => l.includes('still waiting for the answer to our subscription'))).toBe(true);
  });

  it('a CONNACK read later than connectTimeoutMs on one connection, while the broker answered the others, does not fail start-up (MQTT.js reconnects)', async () => {
    // What a busy event loop does after a kill -9: the other shards' backlog holds it, the timer runs before the CONNACK is read.
    const broker = await standIn((_n, _client, sub, done) => done(null, sub), (id, attempt) => (id === 'ew-connack-1' && attempt === 1 ? 1_500 : 0));
    cleanup.push(() => broker.close());
    const { lines, logger } = recordingLogger();
    const devices: ConsumedDevice[] = [{ siteId: 'lakeside', kind: 'sensor', id: 's-1' }];
    const server = new ExternalBroker(collectingIngest().ingest, { url: broker.url, clientId: 'ew-connack', devices, shards: 2, connectTimeoutMs: 400 }, logger);
    cleanup.push(() => server.stop(true));

    await server.start();

    expect(server.isUp()).toBe(true);
    expect(broker.connections).toBe(2);
    expect(lines.some((l) => l.includes('(ew-connack-1): no CONNACK read within 0.4 s although the broker answers our other connections'))).toBe(true);
  });

  it('a broker that never answers the CONNECT still fails start-up within connectTimeoutMs, naming MQTT_URL', async () => {
    const silent = createServer(() => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    cleanup.push(async () => void silent.close());
    const url = `mqtt://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const server = new ExternalBroker(collectingIngest().ingest, { url, clientId: 'ew-sub-silent', connectTimeoutMs: 300 }, recordingLogger().logger);
    await expect(server.start()).rejects.toThrow(/cannot connect to the MQTT broker at MQTT_URL .*no connection within 0.3 s/);
  });

  it('a refusal (SUBACK 0x80) is logged as the ACL refusing, once, and not asked again', async () => {
    const broker = await standIn((_n, _client, _sub, done) => done(null, null));
    cleanup.push(() => broker.close());
    const { lines, logger } = recordingLogger();
    const server = new ExternalBroker(collectingIngest().ingest, { url: broker.url, clientId: 'ew-sub-refused', connectTimeoutMs: 5_000 }, logger);
    cleanup.push(() => server.stop(true));

    await server.start();

    expect(lines.filter((l) => l.includes('refused our subscription'))).toEqual([
      "the broker refused our subscription to 1 filters, e.g. estate/v1/+/+/+/+ (SUBACK 0x80): check the service account's ACL",
    ]);
    expect(broker.subscribes).toBe(1);
  });

  it('cluster: a shard whose connection closes during SUBSCRIBE is consumed after the reconnect, not given up', async () => {
    const broker = await standIn((n, client, sub, done) => (n === 1 ? client.close() : done(null, sub)));
    cleanup.push(() => broker.close());
    const devices: ConsumedDevice[] = [{ siteId: 'lakeside', kind: 'sensor', id: 's-1' }];
    const { topics, ingest } = collectingIngest();
    const server = new ExternalBroker(ingest, { url: broker.url, clientId: 'ew-sub-shard', devices, shards: 1, node: 'n1', connectTimeoutMs: 5_000 }, recordingLogger().logger);
    cleanup.push(() => server.stop(true));
    await server.start(); // the command connection: nothing subscribed

    await server.startShard(0);

    expect(server.consumedShards).toEqual([0]);
    expect(broker.subscribes).toBe(2);
    await publish(broker.url, TOPIC);
    await expect.poll(() => topics).toEqual([TOPIC]);
  });
});

describe('subscribeRetryMs: back-off between SUBSCRIBE attempts on one connection', () => {
  it.each([
    [0, 1_000],
    [1, 2_000],
    [4, 16_000],
    [5, 30_000],
    [50, 30_000],
  ])('attempt %i waits %i ms', (attempt, ms) => {
    expect(subscribeRetryMs(attempt)).toBe(ms);
  });
});
