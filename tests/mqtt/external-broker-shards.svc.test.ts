// MQTT_URL with the configured devices spread over several connections to Mosquitto: each
// device on one connection, so its messages are stored in the order it sent them, while the
// connections share grouped commits.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '@estate-watch/contracts';
import { ExternalBroker } from '../../apps/server/src/broker/external-broker';
import { shardOf } from '../../apps/server/src/broker/external-broker-shards';
import type { Database } from '../../apps/server/src/db/database';
import { IngestRepository } from '../../apps/server/src/ingest/ingest.repository';
import { IngestService } from '../../apps/server/src/ingest/ingest.service';
import { SitesService } from '../../apps/server/src/sites/sites.service';
import { json, NOW, openPglite, RecordingHandler, testClock } from '../support/mqtt-ingest';
import { connectClient, type Connected } from '../support/mqtt-clients';

const MOSQUITTO = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const PORT = Number(new URL(MOSQUITTO).port || 1883);
const SHARDS = 4;

/** A site of its own per test: the local Mosquitto is shared, and only configured devices are subscribed. */
function siteOf(siteId: string) {
  const checkpoints = Array.from({ length: 8 }, (_, i) => `  - { id: cp-${i}, name: CP ${i}, x: 0, y: 0, secret: secret-cp-${i} }`).join('\n');
  return parseSiteConfig(`site: { id: ${siteId}, name: Shards, timezone: UTC }\ndepartments:\n  - { id: security, name: Security, sla: { acceptMin: 10, resolveMin: 60 } }\nrouting: { device.offline: security }\ncheckpoints:\n${checkpoints}\n`, 'shards.yaml');
}

/** The n-th tap of a device, `ts` n ms after a start 10 minutes before the fixture clock. */
function tap(n: number): Buffer {
  const ts = new Date(Date.parse(NOW) - 600_000 + n).toISOString();
  return json({ id: `t-${String(n).padStart(4, '0')}`, ts, type: 'tap', card: '04A1B2C3D4' });
}

describe('MQTT_URL: devices sharded over connections to Mosquitto', () => {
  let db: Database;
  let ingest: IngestService;
  let handler: RecordingHandler;
  let sites: SitesService;
  let server: ExternalBroker;
  let publisher: Connected;
  let siteId: string;
  let clientId: string;
  /** Two devices the hash puts on different connections. */
  let pair: [string, string];

  beforeEach(async () => {
    siteId = `shards-${randomUUID().slice(0, 8)}`;
    clientId = `ew-test-${randomUUID().slice(0, 8)}`;
    db = await openPglite();
    sites = new SitesService([siteOf(siteId)], db);
    await sites.syncToDatabase();
    ingest = new IngestService(new IngestRepository(db), sites, testClock());
    handler = new RecordingHandler();
    ingest.register(handler);
    await ingest.start();
    const ids = sites.allDevices().map((d) => d.id);
    const first = ids[0] as string;
    const other = ids.find((id) => shardOf(siteId, id, SHARDS) !== shardOf(siteId, first, SHARDS)) as string;
    pair = [first, other];
    server = new ExternalBroker(ingest, { url: MOSQUITTO, clientId, devices: sites.allDevices(), shards: SHARDS });
    await server.start();
    publisher = await connectClient(PORT);
  });

  afterEach(async () => {
    await publisher?.end();
    await server?.stop(true);
    // Leave no persistent session behind on the shared broker.
    for (let i = 0; i < SHARDS; i++) await (await connectClient(PORT, undefined, undefined, { clientId: `${clientId}-${i}`, clean: true })).end();
    await ingest.stop();
    await db.close();
  });

  const send = (device: string, count: number) =>
    Promise.all(Array.from({ length: count }, (_, n) => publisher.client.publishAsync(`estate/v1/${siteId}/checkpoint/${device}/event`, tap(n), { qos: 1 })));

  const storedIds = async (device: string) =>
    (await db.query<{ msg_id: string }>('SELECT msg_id FROM device_messages WHERE device_id = $1 ORDER BY seq', [device])).map((r) => r.msg_id);

  it('is up with every connection, and stores two devices that hash to different connections', async () => {
    expect(server.isUp()).toBe(true);
    expect(shardOf(siteId, pair[0], SHARDS)).not.toBe(shardOf(siteId, pair[1], SHARDS));
    await send(pair[0], 1);
    await send(pair[1], 1);
    await handler.until(2);
    expect(handler.seen.map((m) => m.deviceId).sort()).toEqual([...pair].sort());
  });

  it('stores each device’s 500 QoS 1 messages in the order it sent them, while the connections share commits', async () => {
    await Promise.all([send(pair[0], 500), send(pair[1], 500)]);
    await handler.until(1000);
    const inOrder = Array.from({ length: 500 }, (_, n) => `t-${String(n).padStart(4, '0')}`);
    expect(await storedIds(pair[0])).toEqual(inOrder);
    expect(await storedIds(pair[1])).toEqual(inOrder);
    const observed = await db.query<{ ordered: boolean }>(
      `SELECT bool_and(prev IS NULL OR prev < observed_at) AS ordered
         FROM (SELECT observed_at, lag(observed_at) OVER (PARTITION BY device_id ORDER BY seq) AS prev FROM device_messages) m`,
    );
    expect(observed).toEqual([{ ordered: true }]);
    // One connection alone commits one message at a time; two feeding it share some commits.
    expect(ingest.stats()).toMatchObject({ accepted: 1000 });
    expect(ingest.stats().batches).toBeLessThan(1000);
  });

  it('after the shard count changed, a resumed session no longer hears the devices it gave up', async () => {
    await server.stop();
    const fewer = new ExternalBroker(ingest, { url: MOSQUITTO, clientId, devices: sites.allDevices(), shards: 2 });
    await fewer.start(); // sessions -0 and -1 now hold half the devices each
    await fewer.stop();
    server = new ExternalBroker(ingest, { url: MOSQUITTO, clientId, devices: sites.allDevices(), shards: SHARDS });
    await server.start();
    const devices = sites.allDevices().map((d) => d.id);
    for (const device of devices) await send(device, 1);
    await handler.until(devices.length);
    await new Promise((r) => setTimeout(r, 300)); // a second copy would come from another session
    await ingest.settled();
    expect(ingest.stats()).toMatchObject({ accepted: devices.length, duplicates: 0 });
  });
});
