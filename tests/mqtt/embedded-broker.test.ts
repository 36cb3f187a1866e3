// The embedded broker: device credentials, topic ACL, ingest before PUBACK, last will.
import { createServer, type Server } from 'node:net';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BrokerPortInUseError, EmbeddedBroker } from '../../apps/server/src/broker/embedded-broker';
import type { Database } from '../../apps/server/src/db/database';
import { envelope, ingestOn, json, openPglite, testClock, TOPIC, type IngestFixture } from '../support/mqtt-ingest';
import { closed, connectClient, type Connected } from '../support/mqtt-clients';

const SERVICE = { username: 'estate-service', password: 'service-secret-123' };

interface Stack {
  db: Database;
  f: IngestFixture;
  broker: EmbeddedBroker;
  port: number;
  clients: Connected[];
  device(id: string): Promise<Connected>;
  service(): Promise<Connected>;
  stop(): Promise<void>;
}

async function startStack(): Promise<Stack> {
  const db = await openPglite();
  const f = await ingestOn(db, testClock());
  // No message rate here: these suites flood one device on purpose (broker-limits.test.ts tests the rate).
  const broker = new EmbeddedBroker(f.ingest, f.sites, { port: 0, host: '127.0.0.1', serviceAccount: SERVICE, limits: { deviceMessagesPerSec: 0 } });
  const port = await broker.start();
  const clients: Connected[] = [];
  const track = async (c: Promise<Connected>) => {
    const connected = await c;
    clients.push(connected);
    return connected;
  };
  return {
    db,
    f,
    broker,
    port,
    clients,
    device: (id) => track(connectClient(port, `lakeside:${id}`, `secret-${id}`)),
    service: () => track(connectClient(port, SERVICE.username, SERVICE.password)),
    stop: async () => {
      await Promise.all(clients.splice(0).map((c) => c.client.endAsync(true)));
      await broker.stop();
      await f.ingest.stop();
      await db.close();
    },
  };
}

/** The granted QoS of one subscription; 128 is a refusal (MQTT.js reports it as an error). */
async function grant(client: MqttClient, filter: string): Promise<number | undefined> {
  try {
    const [granted] = await client.subscribeAsync(filter, { qos: 1 });
    return granted?.qos;
  } catch (error) {
    const packet = (error as { packet?: { granted?: number[] } }).packet;
    if (!packet?.granted) throw error;
    return packet.granted[0];
  }
}

describe('embedded broker: who may connect and subscribe', () => {
  let stack: Stack;
  let port: number;
  beforeAll(async () => {
    stack = await startStack();
    port = stack.port;
  });
  afterAll(() => stack.stop());

  describe('credentials (CONTRACT §1): username {site}:{device}, password its secret', () => {
    it.each([
      { name: 'right secret', username: 'lakeside:cp-1', password: 'secret-cp-1', ok: true },
      { name: 'service account', username: SERVICE.username, password: SERVICE.password, ok: true },
      { name: 'wrong secret', username: 'lakeside:cp-1', password: 'secret-cp-2', ok: false },
      { name: 'another device’s secret, same length', username: 'lakeside:cp-1', password: 'secret-cp-2', ok: false },
      { name: 'unknown device', username: 'lakeside:cp-9', password: 'secret-cp-9', ok: false },
      { name: 'unknown site', username: 'hillside:cp-1', password: 'secret-cp-1', ok: false },
      { name: 'no site part', username: 'cp-1', password: 'secret-cp-1', ok: false },
      { name: 'service name, wrong password', username: SERVICE.username, password: 'nope', ok: false },
      { name: 'no credentials', username: undefined, password: undefined, ok: false },
    ])('$name → $ok', async ({ username, password, ok }) => {
      const attempt = connectClient(port, username, password);
      if (ok) {
        const c = await attempt;
        stack.clients.push(c);
        expect(c.client.connected).toBe(true);
      } else {
        await expect(attempt).rejects.toMatchObject({ code: 5 }); // CONNACK: not authorised
      }
    });
  });

  describe('subscribe ACL: a device its own cmd only, the service account estate/v1/#', () => {
    it.each([
      { who: 'cp-1', filter: TOPIC.cp1Cmd, granted: 1 },
      { who: 'cp-1', filter: TOPIC.gateCmd, granted: 128 },
      { who: 'cp-1', filter: 'estate/v1/lakeside/checkpoint/cp-1/event', granted: 128 },
      { who: 'cp-1', filter: 'estate/v1/lakeside/checkpoint/cp-1/+', granted: 128 },
      { who: 'cp-1', filter: 'estate/v1/#', granted: 128 },
      { who: 'cp-1', filter: '#', granted: 128 },
      { who: 'service', filter: 'estate/v1/#', granted: 1 },
      { who: 'service', filter: 'estate/v1/lakeside/+/+/event', granted: 1 },
      { who: 'service', filter: '#', granted: 128 },
      { who: 'service', filter: '$SYS/#', granted: 128 },
    ])('$who subscribing $filter → $granted', async ({ who, filter, granted }) => {
      const c = who === 'service' ? await stack.service() : await stack.device(who);
      expect(await grant(c.client, filter)).toBe(granted);
    });
  });

});

describe('embedded broker: publishing and ingest', () => {
  let stack: Stack;
  let db: Database;
  let f: IngestFixture;
  let broker: EmbeddedBroker;
  let port: number;
  const device = (id: string) => stack.device(id);
  const clients = { push: (c: Connected) => stack.clients.push(c) };

  beforeEach(async () => {
    stack = await startStack();
    ({ db, f, broker, port } = stack);
  });
  afterEach(() => stack.stop());

  describe('publish ACL: a device only its own upstream topics; anything else closes the connection unacknowledged', () => {
    it.each([
      { name: "another device's topic", topic: TOPIC.cp2Event, reason: /another device's topic/ },
      { name: 'its own topic under another kind', topic: 'estate/v1/lakeside/gate/cp-1/event', reason: /is a checkpoint, not a gate/ },
      { name: 'its own cmd', topic: TOPIC.cp1Cmd, reason: /do not publish on "cmd"/ },
      { name: 'outside estate/v1', topic: 'other/topic', reason: /topic must be/ },
      { name: 'an unknown stream', topic: 'estate/v1/lakeside/checkpoint/cp-1/debug', reason: /unknown stream/ },
    ])('$name', async ({ topic, reason }) => {
      const { client } = await device('cp-1');
      let acked = false;
      client.publish(topic, json(envelope({ type: 'tap', card: '04A1B2C3D4' })), { qos: 1 }, (error) => (acked = !error));
      await closed(client);
      await f.ingest.settled();
      expect(acked).toBe(false);
      expect(await db.query('SELECT count, last_reason FROM device_rejections')).toEqual([{ count: 1, last_reason: expect.stringMatching(reason) }]);
      expect(await db.query('SELECT 1 FROM device_messages')).toEqual([]);
    });

    it('lets the service account publish cmd, which reaches the device', async () => {
      const gate = await device('gate-1');
      await gate.client.subscribeAsync(TOPIC.gateCmd, { qos: 1 });
      const received = new Promise<string>((resolve) => gate.client.once('message', (_t, payload) => resolve(payload.toString())));
      const service = await connectClient(port, SERVICE.username, SERVICE.password);
      clients.push(service);
      await service.client.publishAsync(TOPIC.gateCmd, '{"action":"open"}', { qos: 1 });
      expect(await received).toBe('{"action":"open"}');
    });

    it('refuses the service account publishing as a device', async () => {
      const service = await connectClient(port, SERVICE.username, SERVICE.password);
      clients.push(service);
      service.client.publish(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' })), { qos: 1 });
      await closed(service.client);
      expect(await db.query('SELECT 1 FROM device_messages')).toEqual([]);
    });
  });

  it('delivers a server command published in-process (no TCP) to the device, QoS 1', async () => {
    const gate = await device('gate-1');
    await gate.client.subscribeAsync(TOPIC.gateCmd, { qos: 1 });
    const received = new Promise<{ payload: string; qos: number }>((resolve) =>
      gate.client.once('message', (_t, payload, packet) => resolve({ payload: payload.toString(), qos: packet.qos })),
    );
    await broker.publish(TOPIC.gateCmd, { id: 'c-1', action: 'open' });
    expect(await received).toEqual({ payload: '{"id":"c-1","action":"open"}', qos: 1 });
  });

  it('stores a valid tap and hands it to the handler before the device gets its PUBACK', async () => {
    const { client } = await device('cp-1');
    await client.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'tap-1')), { qos: 1 });
    // Durable at PUBACK time: no waiting needed before reading the table.
    expect(await db.query('SELECT device_id, msg_id FROM device_messages')).toEqual([{ device_id: 'cp-1', msg_id: 'tap-1' }]);
    await f.handler.until(1);
    expect(f.handler.seen[0]).toMatchObject({ deviceId: 'cp-1', msgId: 'tap-1', stream: 'event' });
  });

  it('takes telemetry at QoS 0 as well', async () => {
    const { client } = await device('soap-1');
    await client.publishAsync(TOPIC.soapTelemetry, json(envelope({ level: 55 }, 'lvl-1')), { qos: 0 });
    await f.handler.until(1);
    expect(f.handler.seen[0]).toMatchObject({ deviceId: 'soap-1', stream: 'telemetry', payload: { level: 55 } });
  });

  it('sends the PUBACK only after the commit: a held commit holds the device’s publish callback', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const commitEntered = new Promise<void>((r) => (entered = r));
    const commitBatch = f.repo.commitBatch.bind(f.repo);
    f.repo.commitBatch = async (messages, rejections) => {
      entered();
      await held;
      const result = await commitBatch(messages, rejections);
      order.push('committed');
      return result;
    };
    const { client } = await device('cp-1');
    const published = client.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'slow-1')), { qos: 1 }).then(() => order.push('puback'));
    await commitEntered;
    // A full round trip on another connection: a PUBACK already written would have arrived by now.
    const other = await device('cp-2');
    await other.client.subscribeAsync('estate/v1/lakeside/checkpoint/cp-2/cmd', { qos: 1 });
    expect(order).toEqual([]);
    release();
    await published;
    expect(order).toEqual(['committed', 'puback']);
  });

  it('acknowledges a bad payload (so it is not redelivered forever) but neither stores nor forwards it', async () => {
    const service = await connectClient(port, SERVICE.username, SERVICE.password);
    clients.push(service);
    await service.client.subscribeAsync('estate/v1/#', { qos: 1 });
    const forwarded: string[] = [];
    service.client.on('message', (_t, payload) => forwarded.push(payload.toString()));
    const { client } = await device('cp-1');
    await client.publishAsync(TOPIC.tap, 'not json at all', { qos: 1 });
    await client.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'good-1')), { qos: 1 });
    await f.handler.until(1);
    await until(() => forwarded.length >= 1);
    expect(forwarded).toEqual([expect.stringContaining('good-1')]);
    expect(client.connected).toBe(true);
    expect(await db.query('SELECT count FROM device_rejections')).toEqual([{ count: 1 }]);
  });

  it('ingests the retained last will {"online":false} when a device drops, with lastWill: true', async () => {
    const c = await connectClient(port, 'lakeside:cp-1', 'secret-cp-1', {
      will: { topic: TOPIC.cp1Status, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    c.client.stream.destroy(); // no DISCONNECT: the broker publishes the will
    await f.handler.until(1);
    expect(f.handler.seen[0]).toMatchObject({ deviceId: 'cp-1', stream: 'status', lastWill: true, payload: { online: false } });
  });

  it('does not take its own shutdown for every device going offline (no last wills ingested)', async () => {
    const c = await connectClient(port, 'lakeside:cp-1', 'secret-cp-1', {
      will: { topic: TOPIC.cp1Status, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    stack.clients.push(c);
    const dropped = closed(c.client);
    await broker.stop();
    await dropped;
    await f.ingest.settled();
    expect(f.handler.seen).toEqual([]);
  });

  it('survives thousands of hostile payloads, counts each with its reason, and still takes the next valid one', async () => {
    const { client } = await device('cp-1');
    const hostile: [string, Buffer, number][] = [
      ['random bytes', Buffer.alloc(0), 600],
      ['over 4096 bytes', Buffer.alloc(6000, 0x7b), 200],
      ['wrong types', json(envelope({ type: 'tap', card: ['04A1'] })), 600],
      ['unknown type', json(envelope({ type: 'explode' })), 600],
      ['ts too old', json({ ...envelope({ type: 'tap', card: '04A1B2C3D4' }), ts: '2026-11-25T09:00:00Z' }), 600],
    ];
    const sends: Promise<unknown>[] = [];
    for (const [name, payload, count] of hostile) {
      for (let i = 0; i < count; i++) {
        const bytes = name === 'random bytes' ? randomBytes(1 + ((i * 37) % 300)) : payload;
        sends.push(client.publishAsync(TOPIC.tap, bytes, { qos: 1 }));
      }
    }
    await Promise.all(sends);
    let [row] = await db.query<{ count: number; last_reason: string }>("SELECT count, last_reason FROM device_rejections WHERE device_id = 'cp-1'");
    expect(row).toEqual({ count: 2600, last_reason: expect.stringMatching(/more than 24 h in the past/) });
    expect(client.connected).toBe(true);

    // Writing another device's topic is refused outright: each attempt costs the writer its connection.
    for (let i = 0; i < 10; i++) {
      const intruder = await device('cp-1');
      intruder.client.publish(TOPIC.cp2Event, json(envelope({ type: 'tap', card: '04A1B2C3D4' })), { qos: 1 });
      await closed(intruder.client);
    }
    await f.ingest.settled();

    const { client: again } = await device('cp-1');
    await again.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'after-flood')), { qos: 1 });
    expect(await db.query('SELECT msg_id FROM device_messages')).toEqual([{ msg_id: 'after-flood' }]);
    [row] = await db.query<{ count: number; last_reason: string }>("SELECT count, last_reason FROM device_rejections WHERE device_id = 'cp-1'");
    expect(row).toEqual({ count: 2610, last_reason: expect.stringMatching(/another device's topic/) });
    expect(await db.query("SELECT 1 FROM device_rejections WHERE device_id = 'cp-2'")).toEqual([]);
    expect(f.ingest.stats()).toMatchObject({ rejected: 2610, accepted: 1 });
  });

  it('names MQTT_PORT and MQTT_URL when the port is already taken', async () => {
    const taken = await occupiedPort();
    try {
      const second = new EmbeddedBroker(f.ingest, f.sites, { port: taken.port, host: '127.0.0.1' });
      const failure = second.start();
      await expect(failure).rejects.toBeInstanceOf(BrokerPortInUseError);
      await expect(failure).rejects.toThrow(new RegExp(`MQTT port ${taken.port} is already in use.*Set MQTT_PORT.*MQTT_URL=mqtt://127\\.0\\.0\\.1:${taken.port}`));
    } finally {
      await new Promise((r) => taken.server.close(r));
    }
  });
});

function randomBytes(n: number): Buffer {
  // Deterministic garbage: never valid UTF-8 JSON because it starts with 0xff.
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + 7) & 0xff;
  b[0] = 0xff;
  return b;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

function occupiedPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}
