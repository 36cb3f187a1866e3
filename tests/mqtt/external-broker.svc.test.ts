// MQTT_URL pointing at the local Mosquitto: the server subscribes as a client and acknowledges
// a QoS 1 message only after its commit, so a message whose commit did not happen comes back.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExternalBroker, type ExternalBrokerOptions } from '../../apps/server/src/broker/external-broker';
import type { Database } from '../../apps/server/src/db/database';
import type { BatchResult } from '../../apps/server/src/ingest/ingest.repository';
import { envelope, ingestOn, json, openPglite, testClock, TOPIC, type IngestFixture } from '../support/mqtt-ingest';
import { connectClient, type Connected } from '../support/mqtt-clients';

const MOSQUITTO = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const SHARDS = 4;

// The local Mosquitto is shared: listen to this suite's device only. Both ways of consuming hold
// the PUBACK until the commit: one connection on a filter, and the production one, the configured
// devices spread over SHARDS connections (here one device; the others subscribe to nothing).
const MODES: { mode: string; options: Partial<ExternalBrokerOptions>; clientIds(base: string): string[] }[] = [
  { mode: 'one connection', options: { topics: 'estate/v1/lakeside/checkpoint/cp-1/+' }, clientIds: (base) => [base] },
  {
    mode: `${SHARDS} connections sharded by device`,
    options: { devices: [{ siteId: 'lakeside', kind: 'checkpoint', id: 'cp-1' }], shards: SHARDS },
    clientIds: (base) => Array.from({ length: SHARDS }, (_, i) => `${base}-${i}`),
  },
];

describe.each(MODES)('MQTT_URL: the server as a client of Mosquitto ($mode)', ({ options, clientIds }) => {
  let db: Database;
  let f: IngestFixture;
  let publisher: Connected;
  const servers: ExternalBroker[] = [];
  let clientId: string;

  const server = async () => {
    const s = new ExternalBroker(f.ingest, { url: MOSQUITTO, clientId, ...options });
    servers.push(s);
    await s.start();
    return s;
  };

  beforeEach(async () => {
    clientId = `ew-test-${randomUUID().slice(0, 8)}`;
    db = await openPglite();
    f = await ingestOn(db, testClock());
    const url = new URL(MOSQUITTO);
    publisher = await connectClient(Number(url.port || 1883), undefined, undefined, { host: url.hostname });
  });

  afterEach(async () => {
    await publisher.end();
    await Promise.all(servers.splice(0).map((s) => s.stop(true)));
    // Leave no persistent session behind on the shared broker.
    for (const id of clientIds(clientId)) {
      const cleaner = await connectClient(Number(new URL(MOSQUITTO).port || 1883), undefined, undefined, { clientId: id, clean: true });
      await cleaner.end();
    }
    await f.ingest.stop();
    await db.close();
  });

  it('subscribes, ingests a device message and reports up', async () => {
    const s = await server();
    expect(s.isUp()).toBe(true);
    await publisher.client.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'ext-1')), { qos: 1 });
    await f.handler.until(1);
    expect(f.handler.seen[0]).toMatchObject({ deviceId: 'cp-1', msgId: 'ext-1' });
    expect(await db.query('SELECT msg_id FROM device_messages')).toEqual([{ msg_id: 'ext-1' }]);
  });

  it('does not acknowledge before the commit: a session lost during a held commit gets the message again, stored once', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const commitEntered = new Promise<void>((r) => (entered = r));
    let sawDuplicate!: () => void;
    const duplicateCommitted = new Promise<void>((r) => (sawDuplicate = r));
    const commitBatch = f.repo.commitBatch.bind(f.repo);
    let calls = 0;
    f.repo.commitBatch = async (messages, rejections): Promise<BatchResult> => {
      if (++calls === 1) {
        entered();
        await held;
      }
      const result = await commitBatch(messages, rejections);
      if (result.stored.some((m) => m === undefined)) sawDuplicate();
      return result;
    };
    const first = await server();
    await publisher.client.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'ext-held')), { qos: 1 });
    await commitEntered;
    // The server dies mid-commit. Had it acknowledged on receipt, Mosquitto would not redeliver.
    await first.stop(true);
    release();
    await server(); // same client id, persistent session
    await duplicateCommitted;
    await f.ingest.settled();
    expect(f.handler.seen.map((m) => m.msgId)).toEqual(['ext-held']);
    expect(f.ingest.stats()).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('does not acknowledge a message whose commit failed: it is redelivered after the reconnect', async () => {
    const commitBatch = f.repo.commitBatch.bind(f.repo);
    let calls = 0;
    f.repo.commitBatch = async (messages, rejections): Promise<BatchResult> => {
      if (++calls === 1) throw new Error('database unavailable');
      return commitBatch(messages, rejections);
    };
    await server();
    await publisher.client.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'ext-retry')), { qos: 1 });
    await f.handler.until(1);
    expect(f.handler.seen.map((m) => m.msgId)).toEqual(['ext-retry']);
    expect(f.ingest.stats()).toMatchObject({ commitFailures: 1, accepted: 1 });
  });

  it('acknowledges and drops a bad payload, counted against the topic’s device', async () => {
    await server();
    await publisher.client.publishAsync(TOPIC.tap, 'garbage', { qos: 1 });
    await publisher.client.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'ext-ok')), { qos: 1 });
    await f.handler.until(1);
    expect(await db.query('SELECT device_id, count FROM device_rejections')).toEqual([{ device_id: 'cp-1', count: 1 }]);
  });

  it('publishes a command through the broker', async () => {
    const s = await server();
    const gate = await connectClient(Number(new URL(MOSQUITTO).port || 1883));
    await gate.client.subscribeAsync(TOPIC.gateCmd, { qos: 1 });
    const received = new Promise<string>((resolve) => gate.client.once('message', (_t, p) => resolve(p.toString())));
    await s.publish(TOPIC.gateCmd, { id: 'c-9', action: 'close', by: 'op' });
    expect(await received).toBe('{"id":"c-9","action":"close","by":"op"}');
    await gate.end();
  });

  it('fails start-up with a message naming MQTT_URL when the broker is unreachable', async () => {
    const s = new ExternalBroker(f.ingest, { url: 'mqtt://127.0.0.1:1', connectTimeoutMs: 1500, ...options });
    await expect(s.start()).rejects.toThrow(/MQTT_URL \(mqtt:\/\/127\.0\.0\.1:1\)/);
    expect(s.isUp()).toBe(false);
  });
});
