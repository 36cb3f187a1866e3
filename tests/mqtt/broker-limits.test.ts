// The embedded broker's limits (issue 13, point 3) over real TCP with MQTT.js: connection rate,
// messages per device, topic size, login lockout per user name and per address, and client ids
// that belong to one device. The limits run on a ManualClock, so "a second later" is a call.
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerLimits } from '../../apps/server/src/broker/broker-limits';
import { EmbeddedBroker } from '../../apps/server/src/broker/embedded-broker';
import { ManualClock } from '../../apps/server/src/common/clock';
import type { Database } from '../../apps/server/src/db/database';
import { envelope, ingestOn, json, openPglite, testClock, TOPIC, type IngestFixture } from '../support/mqtt-ingest';
import { closed, connectClient, connectOutcome } from '../support/mqtt-clients';

const SERVICE = { username: 'estate-service', password: 'service-secret-123' };

interface Stack {
  db: Database;
  f: IngestFixture;
  port: number;
  clock: ManualClock;
  clients: MqttClient[];
  device(id: string, extra?: Record<string, unknown>): ReturnType<typeof connectOutcome>;
  stop(): Promise<void>;
}

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function startStack(limits: Partial<BrokerLimits>): Promise<Stack> {
  const db = await openPglite();
  const f = await ingestOn(db, testClock());
  const clock = new ManualClock('2026-11-27T09:00:00Z');
  const broker = new EmbeddedBroker(f.ingest, f.sites, { port: 0, host: '127.0.0.1', serviceAccount: SERVICE, limits, clock });
  const port = await broker.start();
  const clients: MqttClient[] = [];
  const s: Stack = {
    db,
    f,
    port,
    clock,
    clients,
    device: async (id, extra = {}) => {
      const result = await connectOutcome({ port, username: `lakeside:${id}`, password: `secret-${id}`, ...extra });
      if (result.outcome === 'connected') clients.push(result.client);
      return result;
    },
    stop: async () => {
      await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
      await broker.stop();
      await f.ingest.stop();
      await db.close();
    },
  };
  stack = s;
  return s;
}

async function rejections(db: Database, device: string): Promise<{ count: number; last_reason: string } | undefined> {
  const [row] = await db.query<{ count: number; last_reason: string }>('SELECT count, last_reason FROM device_rejections WHERE device_id = $1', [device]);
  return row;
}

function connectedClient(result: Awaited<ReturnType<typeof connectOutcome>>): MqttClient {
  if (result.outcome !== 'connected') throw new Error(`expected a connection, got ${JSON.stringify(result)}`);
  return result.client;
}

describe('new connections per second (MQTT_CONNECTIONS_PER_SEC), all clients together', () => {
  it('lets 3 in at once, cuts the 4th before CONNACK, and lets the next in a second later', async () => {
    const s = await startStack({ connectionsPerSec: 3 });
    const first = await Promise.all(['cp-1', 'cp-2', 'gate-1'].map((id) => s.device(id)));
    expect(first.map((r) => r.outcome)).toEqual(['connected', 'connected', 'connected']);
    expect(await s.device('soap-1')).toEqual({ outcome: 'refused' });
    s.clock.advance(334); // a third of a second: one new token
    expect((await s.device('soap-1')).outcome).toBe('connected');
  });
});

describe('messages per second per device (MQTT_DEVICE_MESSAGES_PER_SEC, MQTT_DEVICE_MESSAGE_BURST)', () => {
  it('drops QoS 0 over the rate, counts each with the reason, and keeps the device connected', async () => {
    const s = await startStack({ deviceMessagesPerSec: 5, deviceMessageBurst: 5 });
    const soap = connectedClient(await s.device('soap-1'));
    for (let i = 0; i < 20; i++) soap.publish(TOPIC.soapTelemetry, json(envelope({ level: 50 }, `q0-${i}`)), { qos: 0 });
    // A QoS 1 round trip after them: the broker has handled every earlier packet of this connection.
    s.clock.advance(1000);
    await soap.publishAsync(TOPIC.soapTelemetry, json(envelope({ level: 50 }, 'marker')), { qos: 1 });
    await s.f.ingest.settled();
    expect(await s.db.query('SELECT count(*)::int AS n FROM device_messages')).toEqual([{ n: 6 }]);
    expect(await rejections(s.db, 'soap-1')).toEqual({ count: 15, last_reason: 'over 5 messages a second (burst 5): QoS 0 message dropped' });
    expect(soap.connected).toBe(true);
  });

  it('holds QoS 1 over the rate for its turn instead of dropping it: all stored, the PUBACKs later', async () => {
    // 10 a second, burst 2: the 3rd to 5th wait 100, 200 and 300 ms.
    const s = await startStack({ deviceMessagesPerSec: 10, deviceMessageBurst: 2 });
    const cp = connectedClient(await s.device('cp-1'));
    const started = performance.now();
    await Promise.all([0, 1, 2, 3, 4].map((i) => cp.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, `q1-${i}`)), { qos: 1 })));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(await s.db.query('SELECT count(*)::int AS n FROM device_messages')).toEqual([{ n: 5 }]);
    expect(await rejections(s.db, 'cp-1')).toBeUndefined();
  });
});

describe('topic length and levels (MQTT_MAX_TOPIC_LENGTH, MQTT_MAX_TOPIC_LEVELS)', () => {
  it.each([
    { name: '300 characters', topic: `estate/v1/lakeside/checkpoint/cp-1/${'x'.repeat(265)}`, reason: 'topic is 300 characters, over the limit of 256' },
    { name: '9 levels', topic: 'estate/v1/lakeside/checkpoint/cp-1/event/a/b/c', reason: 'topic has more than 8 levels' },
  ])('a publish on a topic of $name closes the connection unacknowledged and is counted', async ({ topic, reason }) => {
    const s = await startStack({});
    const cp = connectedClient(await s.device('cp-1'));
    let acked = false;
    cp.publish(topic, json(envelope({ type: 'tap', card: '04A1B2C3D4' })), { qos: 1 }, (error) => (acked = !error));
    await closed(cp);
    await s.f.ingest.settled();
    expect(acked).toBe(false);
    expect(await rejections(s.db, 'cp-1')).toEqual({ count: 1, last_reason: reason });
  });

  it('refuses a subscription filter over the limits, even the service account’s', async () => {
    const s = await startStack({});
    const service = await connectClient(s.port, SERVICE.username, SERVICE.password);
    s.clients.push(service.client);
    const granted = await service.client.subscribeAsync(`estate/v1/${'a'.repeat(300)}/#`, { qos: 1 }).then(
      (g) => g[0]?.qos,
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted?.[0],
    );
    expect(granted).toBe(128);
  });
});

describe('login lockout (MQTT_AUTH_FAILURES_PER_USERNAME / _PER_ADDRESS, MQTT_AUTH_LOCKOUT_SEC)', () => {
  it('refuses a user name, right secret or not, after 3 failures, for 5 minutes; other devices are unaffected', async () => {
    const s = await startStack({ authFailuresPerUsername: 3, authFailuresPerAddress: 0, authLockoutSec: 300 });
    for (let i = 0; i < 3; i++) expect(await s.device('cp-1', { password: 'wrong' })).toEqual({ outcome: 'refused', code: 5 });
    expect(await s.device('cp-1')).toEqual({ outcome: 'refused', code: 5 });
    expect((await s.device('cp-2')).outcome).toBe('connected');
    s.clock.advance(300_000 - 1);
    expect(await s.device('cp-1')).toEqual({ outcome: 'refused', code: 5 });
    s.clock.advance(1);
    expect((await s.device('cp-1')).outcome).toBe('connected');
  });

  it('does not let someone elsewhere lock a device out of the address it last logged in from', async () => {
    const s = await startStack({ authFailuresPerUsername: 3, authFailuresPerAddress: 0, authLockoutSec: 300 });
    const device = connectedClient(await s.device('cp-1'));
    await device.endAsync();
    for (let i = 0; i < 3; i++) expect(await s.device('cp-1', { password: 'guess', localAddress: '127.0.0.2' })).toEqual({ outcome: 'refused', code: 5 });
    expect(await s.device('cp-1', { localAddress: '127.0.0.2' })).toEqual({ outcome: 'refused', code: 5 });
    expect((await s.device('cp-1')).outcome).toBe('connected');
  });

  it('refuses every user name from an address that failed with 3 different ones', async () => {
    const s = await startStack({ authFailuresPerUsername: 0, authFailuresPerAddress: 3, authLockoutSec: 60 });
    for (const name of ['cp-9', 'gate-9', 'cp-1']) expect(await s.device(name, { password: 'guess' })).toEqual({ outcome: 'refused', code: 5 });
    expect(await s.device('cp-2')).toEqual({ outcome: 'refused', code: 5 });
    s.clock.advance(60_000);
    expect((await s.device('cp-2')).outcome).toBe('connected');
  });
});

describe('a client id belongs to one device', () => {
  const id = () => `limits-${Math.random().toString(16).slice(2, 10)}`;

  it('refuses another device connecting with a client id in use (CONNACK 2), and the holder stays connected', async () => {
    const s = await startStack({});
    const clientId = id();
    const holder = connectedClient(await s.device('gate-1', { clientId }));
    expect(await s.device('cp-1', { clientId })).toEqual({ outcome: 'refused', code: 2 });
    expect(holder.connected).toBe(true);
  });

  it('lets the same device take its own client id over (a half-open connection it left behind)', async () => {
    const s = await startStack({});
    const clientId = id();
    const old = connectedClient(await s.device('gate-1', { clientId }));
    const dropped = closed(old);
    expect((await s.device('gate-1', { clientId })).outcome).toBe('connected');
    await dropped;
  });

  it('refuses another device resuming, or wiping, a stored session; its owner gets it back', async () => {
    const s = await startStack({});
    const clientId = id();
    const gate = connectedClient(await s.device('gate-1', { clientId, clean: false }));
    await gate.subscribeAsync(TOPIC.gateCmd, { qos: 1 });
    await gate.endAsync();
    for (const clean of [false, true]) expect(await s.device('cp-1', { clientId, clean })).toEqual({ outcome: 'refused', code: 2 });
    const back = await s.device('gate-1', { clientId, clean: false });
    expect(back.outcome === 'connected' && back.connack.sessionPresent).toBe(true);
  });
});
