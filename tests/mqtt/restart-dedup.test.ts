// Dedup is durable: the same (device, id) after a restart on the same PGlite data directory is
// acknowledged but processed once.
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../apps/server/src/broker/embedded-broker';
import { envelope, ingestOn, json, openPglite, tempDir, testClock, TOPIC } from '../support/mqtt-ingest';
import { connectClient } from '../support/mqtt-clients';

describe('dedup across a restart (PGlite data directory)', () => {
  const dir = tempDir('estate-ingest-');
  afterAll(() => dir.remove());

  async function run(ids: string[]) {
    const db = await openPglite(dir.path);
    const f = await ingestOn(db, testClock());
    const broker = new EmbeddedBroker(f.ingest, f.sites, { port: 0, host: '127.0.0.1' });
    const port = await broker.start();
    const { client } = await connectClient(port, 'lakeside:cp-1', 'secret-cp-1');
    for (const id of ids) await client.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, id)), { qos: 1 });
    await client.endAsync();
    await broker.stop();
    await f.ingest.stop();
    const stats = f.ingest.stats();
    const stored = await db.query<{ msg_id: string }>('SELECT msg_id FROM device_messages ORDER BY seq');
    await db.close();
    return { handled: f.handler.seen.map((m) => m.msgId), stats, stored: stored.map((r) => r.msg_id) };
  }

  it('processes a redelivered id once, and replays nothing already handed on', async () => {
    const first = await run(['once-1']);
    expect(first.handled).toEqual(['once-1']);
    const second = await run(['once-1', 'once-2']);
    expect(second.handled).toEqual(['once-2']);
    expect(second.stats).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(second.stored).toEqual(['once-1', 'once-2']);
  });
});
