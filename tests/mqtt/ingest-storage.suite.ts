// The ingest storage rules, run on PGlite (ingest-storage.test.ts) and PostgreSQL (*.svc.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../apps/server/src/common/clock';
import type { Database } from '../../apps/server/src/db/database';
import type { AcceptedMessage } from '../../apps/server/src/ingest/accepted-message';
import { IngestRepository } from '../../apps/server/src/ingest/ingest.repository';
import { IngestService } from '../../apps/server/src/ingest/ingest.service';
import { envelope, ingestOn, json, SITE, testClock, TOPIC, type IngestFixture } from '../support/mqtt-ingest';
import { SitesService } from '../../apps/server/src/sites/sites.service';

export interface OpenedDatabase {
  db: Database;
  close(): Promise<void>;
}

const cp1 = { site: 'lakeside', device: 'cp-1' };

export function ingestStorageSuite(open: () => Promise<OpenedDatabase>): void {
  let opened: OpenedDatabase;
  let clock: ManualClock;
  let f: IngestFixture;

  beforeEach(async () => {
    opened = await open();
    clock = testClock();
    f = await ingestOn(opened.db, clock);
  });

  afterEach(async () => {
    await f.ingest.stop();
    await opened.close();
  });

  const tap = (id?: string) => json(envelope({ type: 'tap', card: '04A1B2C3D4' }, id));

  it('stores a valid tap, hands it to the handler and marks the device seen', async () => {
    const outcome = await f.ingest.submit({ topic: TOPIC.tap, payload: tap('t-1'), publisher: cp1 });
    expect(outcome).toMatchObject({ status: 'accepted' });
    await f.handler.until(1);
    expect(f.handler.seen[0]).toMatchObject({ siteId: 'lakeside', deviceId: 'cp-1', kind: 'checkpoint', stream: 'event', msgId: 't-1', lastWill: false });
    expect(f.handler.seen[0]?.payload).toEqual({ id: 't-1', ts: '2026-11-27T08:59:59.000Z', type: 'tap', card: '04A1B2C3D4' });
    const rows = await f.db.query<{ msg_id: string; payload: unknown }>('SELECT msg_id, payload FROM device_messages');
    expect(rows).toEqual([{ msg_id: 't-1', payload: f.handler.seen[0]?.payload }]);
    const [device] = await f.db.query<{ last_seen_at: Date; last_values: Record<string, unknown> }>(
      "SELECT last_seen_at, last_values FROM devices WHERE site_id = 'lakeside' AND id = 'cp-1'",
    );
    expect(new Date(device!.last_seen_at).toISOString()).toBe(clock.now().toISOString());
    expect(device!.last_values).toEqual({ event: f.handler.seen[0]?.payload });
  });

  it('processes the same (device, id) once, sent one after the other', async () => {
    expect(await f.ingest.submit({ topic: TOPIC.tap, payload: tap('dup-1'), publisher: cp1 })).toMatchObject({ status: 'accepted' });
    expect(await f.ingest.submit({ topic: TOPIC.tap, payload: tap('dup-1'), publisher: cp1 })).toEqual({ status: 'duplicate' });
    await f.ingest.settled();
    expect(f.handler.seen.map((m) => m.msgId)).toEqual(['dup-1']);
    expect(f.ingest.stats()).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('processes the same (device, id) once when both copies share one batch', async () => {
    const outcomes = await Promise.all([1, 2, 3].map(() => f.ingest.submit({ topic: TOPIC.tap, payload: tap('dup-2'), publisher: cp1 })));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['accepted', 'duplicate', 'duplicate']);
    const [{ n }] = (await f.db.query<{ n: number }>("SELECT count(*)::int AS n FROM device_messages WHERE msg_id = 'dup-2'")) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('deduplicates per device: the same id from two devices is two messages', async () => {
    await f.ingest.submit({ topic: TOPIC.tap, payload: tap('shared-id'), publisher: cp1 });
    const second = await f.ingest.submit({ topic: TOPIC.cp2Event, payload: tap('shared-id'), publisher: { site: 'lakeside', device: 'cp-2' } });
    expect(second).toMatchObject({ status: 'accepted' });
  });

  it('accepts every last will (no id to dedup on) and marks it lastWill', async () => {
    const will = Buffer.from('{"online":false}');
    await f.ingest.submit({ topic: TOPIC.cp1Status, payload: will, publisher: cp1 });
    await f.ingest.submit({ topic: TOPIC.cp1Status, payload: will, publisher: cp1 });
    await f.handler.until(2);
    expect(f.handler.seen.map((m) => [m.lastWill, m.msgId, m.observedAt])).toEqual([
      [true, undefined, undefined],
      [true, undefined, undefined],
    ]);
  });

  it('keeps the latest payload of each stream in last_values', async () => {
    const soap = { site: 'lakeside', device: 'soap-1' };
    const status = 'estate/v1/lakeside/dispenser/soap-1/status';
    await f.ingest.submit({ topic: TOPIC.soapTelemetry, payload: json(envelope({ level: 80 }, 'l-1')), publisher: soap });
    await f.ingest.submit({ topic: status, payload: json(envelope({ online: true, fw: '1.2' }, 's-1')), publisher: soap });
    await f.ingest.submit({ topic: TOPIC.soapTelemetry, payload: json(envelope({ level: 79 }, 'l-2')), publisher: soap });
    const [device] = await f.db.query<{ last_values: Record<string, { level?: number; fw?: string }> }>(
      "SELECT last_values FROM devices WHERE id = 'soap-1'",
    );
    expect(device!.last_values.telemetry?.level).toBe(79);
    expect(device!.last_values.status?.fw).toBe('1.2');
  });

  it('does not let a redelivered old reading overwrite a newer one in last_values', async () => {
    const soap = { site: 'lakeside', device: 'soap-1' };
    const old = json(envelope({ level: 80 }, 'old-1'));
    await f.ingest.submit({ topic: TOPIC.soapTelemetry, payload: old, publisher: soap });
    await f.ingest.submit({ topic: TOPIC.soapTelemetry, payload: json(envelope({ level: 40 }, 'new-1')), publisher: soap });
    expect(await f.ingest.submit({ topic: TOPIC.soapTelemetry, payload: old, publisher: soap })).toEqual({ status: 'duplicate' });
    const [device] = await f.db.query<{ last_values: { telemetry: { level: number } } }>("SELECT last_values FROM devices WHERE id = 'soap-1'");
    expect(device!.last_values.telemetry.level).toBe(40);
  });

  describe('rejections are counted per claimed device with the last reason, never stored as data', () => {
    it.each([
      { name: 'not JSON', topic: TOPIC.tap, payload: Buffer.from('{not json'), device: 'cp-1', reason: /not UTF-8 JSON/ },
      { name: 'wrong types', topic: TOPIC.tap, payload: json(envelope({ type: 'tap', card: 42 })), device: 'cp-1', reason: /card/ },
      { name: 'unknown type', topic: TOPIC.tap, payload: json(envelope({ type: 'wave', card: '04A1B2C3D4' })), device: 'cp-1', reason: /type/ },
      { name: 'too large', topic: TOPIC.tap, payload: Buffer.alloc(5000, 32), device: 'cp-1', reason: /over the 4096-byte limit/ },
      { name: 'unknown device', topic: 'estate/v1/lakeside/checkpoint/cp-9/event', payload: tap(), device: 'cp-9', reason: /unknown device "cp-9"/ },
      { name: 'ts too old', topic: TOPIC.tap, payload: json({ ...envelope({ type: 'tap', card: '04A1B2C3D4' }), ts: '2026-11-26T08:59:59Z' }), device: 'cp-1', reason: /24 h in the past/ },
      { name: 'ts in the future', topic: TOPIC.tap, payload: json({ ...envelope({ type: 'tap', card: '04A1B2C3D4' }), ts: '2026-11-27T09:02:01Z' }), device: 'cp-1', reason: /2 min in the future/ },
      { name: 'ts 30 February (CONTRACT §1: a real date)', topic: TOPIC.tap, payload: json({ ...envelope({ type: 'tap', card: '04A1B2C3D4' }), ts: '2026-02-30T00:00:00Z' }), device: 'cp-1', reason: /ts: day 30 does not exist in 2026-02/ },
      { name: 'ts hour 24', topic: TOPIC.tap, payload: json({ ...envelope({ type: 'tap', card: '04A1B2C3D4' }), ts: '2026-11-26T24:00:00Z' }), device: 'cp-1', reason: /ts: hour 24 does not exist/ },
      { name: 'wrong kind', topic: 'estate/v1/lakeside/gate/cp-1/event', payload: tap(), device: 'cp-1', reason: /is a checkpoint, not a gate/ },
      { name: 'stream the kind does not have', topic: 'estate/v1/lakeside/checkpoint/cp-1/telemetry', payload: tap(), device: 'cp-1', reason: /does not publish on "telemetry"/ },
    ])('$name', async ({ topic, payload, device, reason }) => {
      const outcome = await f.ingest.submit({ topic, payload, publisher: topic.includes('cp-9') ? undefined : cp1 });
      expect(outcome).toMatchObject({ status: 'rejected', reason: expect.stringMatching(reason) });
      const rows = await f.db.query<{ device_id: string; count: number; last_reason: string; last_topic: string }>(
        'SELECT device_id, count, last_reason, last_topic FROM device_rejections',
      );
      expect(rows).toEqual([{ device_id: device, count: 1, last_reason: expect.stringMatching(reason), last_topic: topic }]);
      expect(await f.db.query('SELECT 1 FROM device_messages')).toEqual([]);
    });

    it("counts a device writing another device's topic against the writer", async () => {
      const outcome = await f.ingest.submit({ topic: TOPIC.cp2Event, payload: tap(), publisher: cp1 });
      expect(outcome).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/another device's topic/) });
      expect(await f.db.query('SELECT site_id, device_id, count FROM device_rejections')).toEqual([{ site_id: 'lakeside', device_id: 'cp-1', count: 1 }]);
    });

    it('adds up a batch of rejections and keeps the last reason', async () => {
      await Promise.all([
        f.ingest.submit({ topic: TOPIC.tap, payload: Buffer.from('x'), publisher: cp1 }),
        f.ingest.submit({ topic: TOPIC.tap, payload: json(envelope({ type: 'wave' })), publisher: cp1 }),
      ]);
      await f.ingest.submit({ topic: TOPIC.tap, payload: json([1]), publisher: cp1 });
      expect(await f.db.query('SELECT count, last_reason FROM device_rejections')).toEqual([{ count: 3, last_reason: 'payload must be a JSON object' }]);
    });
  });

  it('ignores the server’s own cmd heard back through an external broker (no publisher)', async () => {
    expect(await f.ingest.submit({ topic: TOPIC.gateCmd, payload: json({}) })).toEqual({ status: 'ignored' });
    expect(await f.db.query('SELECT 1 FROM device_rejections')).toEqual([]);
  });

  it('groups concurrent messages into few commits', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 500 }, (_, i) => f.ingest.submit({ topic: TOPIC.tap, payload: tap(`g-${i}`), publisher: cp1 })),
    );
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(f.ingest.stats().batches).toBeLessThan(50);
    await f.handler.until(500);
    const seqs = f.handler.seen.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(f.handler.seen.map((m) => m.msgId)).toEqual(outcomes.map((_, i) => `g-${i}`));
  });

  it('replays messages after the cursor to handlers on start-up (a crash before handlers ran)', async () => {
    // A second instance whose handler never returns: its messages are committed, the cursor stays put.
    await f.ingest.stop();
    const sites = new SitesService([SITE], opened.db);
    const stuck = new IngestService(new IngestRepository(opened.db), sites, clock, { consumer: 'replay-test' });
    let entered!: () => void;
    const handlerEntered = new Promise<void>((r) => (entered = r));
    stuck.register({ name: 'replayed', selects: {}, applyBatch: () => (entered(), new Promise<void>(() => undefined)) });
    await stuck.start();
    await stuck.submit({ topic: TOPIC.tap, payload: tap('r-1'), publisher: cp1 });
    await stuck.submit({ topic: TOPIC.tap, payload: tap('r-2'), publisher: cp1 });
    await handlerEntered;

    const seen: AcceptedMessage[] = [];
    const restarted = new IngestService(new IngestRepository(opened.db), sites, clock, { consumer: 'replay-test' });
    restarted.register({ name: 'replayed', selects: {}, applyBatch: async (batch) => void seen.push(...batch) });
    await restarted.start();
    expect(seen.map((m) => m.msgId)).toEqual(['r-1', 'r-2']);
    expect(await new IngestRepository(opened.db).handlerCursor('replay-test:replayed')).toEqual({ seq: seen[1]?.seq, applied: 2 });
  });
}
