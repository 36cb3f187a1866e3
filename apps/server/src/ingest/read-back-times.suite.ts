// A stored message read back (a pipeline catching up, a cluster's reader) carries the times it was
// stored with, to the millisecond: they are read as epoch milliseconds, not parsed from text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/database.testing';
import type { ValidMessage } from './incoming-message';
import { IngestRepository } from './ingest.repository';

// A reading with its device time; without one, a status (every telemetry row needs a time).
const message = (msgId: string, observedAt: Date | undefined, receivedAt: Date): ValidMessage => ({
  siteId: 'x',
  deviceId: 's-1',
  kind: 'sensor',
  stream: observedAt ? 'telemetry' : 'status',
  msgId,
  payload: observedAt ? { id: msgId, ts: observedAt.toISOString(), readings: { temperature_c: 21 } } : { id: msgId, online: true },
  observedAt,
  receivedAt,
  lastWill: false,
});

export function readBackTimesSuite(backend: Backend): void {
  describe(`IngestRepository: times read back (${backend})`, () => {
    let t: TestDatabase;
    let db: Database;
    let repo: IngestRepository;
    beforeAll(async () => {
      t = await openTestDatabase(backend);
      db = t.db;
      await db.query(`INSERT INTO sites (id, name, timezone, heartbeat_sec, config, updated_at) VALUES ('x', 'X', 'Asia/Shanghai', 60, '{}', now())`);
      await db.query(`INSERT INTO devices (site_id, id, kind, name) VALUES ('x', 's-1', 'sensor', 's-1')`);
      repo = new IngestRepository(db);
    });
    afterAll(() => t?.drop());

    it.each([
      { name: 'milliseconds kept', observed: '2026-12-05T01:02:03.456Z', received: '2026-12-05T01:02:04.999Z' },
      { name: 'on a whole second', observed: '2026-12-05T00:00:00.000Z', received: '2026-12-05T00:00:00.001Z' },
      { name: 'before the epoch second turns (…999)', observed: '2026-11-30T23:59:59.999Z', received: '2026-12-01T00:00:00.000Z' },
      { name: 'no device time (a status without ts)', observed: undefined, received: '2026-12-05T08:00:00.123Z' },
    ])('$name', async ({ name, observed, received }) => {
      const sent = message(`m-${name}`, observed ? new Date(observed) : undefined, new Date(received));
      const { stored } = await repo.commitBatch([sent], []);
      const seq = stored[0]!.seq;
      const [back] = await repo.messagesAfter(seq - 1, 1);
      const page = await repo.pageAfter(seq - 1, 1);
      const except = await repo.pageAfterExcept(seq - 1, 1, null, []);
      for (const m of [back, page.messages[0], except.messages[0]]) {
        expect(m?.seq).toBe(seq);
        expect(m?.observedAt?.toISOString()).toBe(observed);
        expect(m?.receivedAt.toISOString()).toBe(received);
      }
    });
  });
}
