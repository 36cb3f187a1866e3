// Issue 11: several servers commit into one device_messages, and each handler's pipeline reads
// "after its cursor" (cluster/README.md, "Order across servers"). Two servers' commits that draw
// their seqs in one order and commit in the other must not let a reader pass over the earlier
// seq. The race is made, not hoped for: a trigger holds server A's commit after it drew its seq
// (until the test lets it go), server B commits meanwhile, and the reader reads at that moment
// and again once both are done.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../apps/server/src/db/database.testing';
import { PostgresDatabase } from '../apps/server/src/db/postgres-database';
import type { AcceptedMessage } from '../apps/server/src/ingest/accepted-message';
import { ClusterReader, type Segment } from '../apps/server/src/ingest/cluster-reader';
import type { ValidMessage } from '../apps/server/src/ingest/incoming-message';
import { COMMIT_ORDER_LOCK, IngestRepository } from '../apps/server/src/ingest/ingest.repository';
import { eventually } from './support/server';

/** Advisory key the trigger waits on while the test holds it. */
const HOLD = 4_242;

function message(deviceId: string, msgId: string): ValidMessage {
  return { siteId: 'order', deviceId, kind: 'sensor', stream: 'status', msgId, payload: { online: true }, receivedAt: new Date(), lastWill: false };
}

describe('commit order across servers (issue 11)', () => {
  let test: TestDatabase;
  let gate: pg.Client;
  const opened: PostgresDatabase[] = [];

  beforeAll(async () => {
    test = await openTestDatabase('postgres');
    // A row of device 'held' waits, with its seq drawn, until the test lets it go.
    await test.db.exec(`
      CREATE FUNCTION hold_marked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.device_id = 'held' THEN PERFORM pg_advisory_xact_lock_shared(${HOLD}); END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER hold_marked BEFORE INSERT ON device_messages FOR EACH ROW EXECUTE FUNCTION hold_marked();
    `);
    gate = new pg.Client({ connectionString: test.url });
    await gate.connect();
  });

  afterAll(async () => {
    await gate?.end();
    for (const db of opened) await db.close();
    await test?.drop();
  });

  /** A server's own connections to the database, as each server of a cluster has. */
  async function server(cluster: boolean): Promise<IngestRepository> {
    const db = await PostgresDatabase.open(test.url as string);
    opened.push(db);
    return new IngestRepository(db, { enabled: cluster });
  }

  const waitingOn = async (key: number) =>
    (await gate.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`, [key])).rows[0]!.n > 0;

  /**
   * Server A's commit draws its seq and is held; server B commits; the reader reads as soon as
   * B's commit is done or waits for A's, then again after both. Returns the devices read.
   */
  async function race(cluster: boolean, tag: string): Promise<{ read: string[]; seqs: Record<string, number> }> {
    const [a, b, reader] = await Promise.all([server(cluster), server(cluster), server(cluster)]);
    const start = await reader.headSeq();
    await gate.query('SELECT pg_advisory_lock($1)', [HOLD]);
    const first = a.commitBatch([message('held', `${tag}-a`)], []);
    await eventually(() => waitingOn(HOLD), (held) => held, 10_000);
    let bDone = false;
    const second = b.commitBatch([message('free', `${tag}-b`)], []).then((r) => ((bDone = true), r));
    // B either commits past A (no ordering) or waits for A's commit (ordered): read then.
    await eventually(async () => bDone || (await waitingOn(COMMIT_ORDER_LOCK)), (ready) => ready, 10_000);
    const early = await reader.messagesAfter(start, 100);
    const cursor = early.reduce((max, m) => Math.max(max, m.seq), start);
    await gate.query('SELECT pg_advisory_unlock($1)', [HOLD]);
    const [ra, rb] = await Promise.all([first, second]);
    const late = await reader.messagesAfter(cursor, 100);
    const seqs = { held: (ra.stored[0] as AcceptedMessage).seq, free: (rb.stored[0] as AcceptedMessage).seq };
    return { read: [...early, ...late].map((m) => m.deviceId), seqs };
  }

  it('the race is real: without ordered commits B commits a higher seq first and the reader passes over A', async () => {
    const { read, seqs } = await race(false, 'unordered');
    expect(seqs.held).toBeLessThan(seqs.free);
    expect(read).toEqual(['free']);
  });

  it('with the cluster on, a reader after its cursor reads both, in seq order', async () => {
    const { read, seqs } = await race(true, 'ordered');
    expect(seqs.held).toBeLessThan(seqs.free);
    expect(read).toEqual(['held', 'free']);
  });

  it("a server's reader hands over its own commits from memory and reads only the others', each once, in seq order", async () => {
    const [a, b] = await Promise.all([server(true), server(true)]);
    const segments: Segment[] = [];
    const read: number[] = [];
    const reads = {
      headSeq: () => a.headSeq(),
      pageAfterExcept: async (...args: Parameters<IngestRepository['pageAfterExcept']>) => {
        const page = await a.pageAfterExcept(...args);
        read.push(...page.messages.map((m) => m.seq));
        return page;
      },
    };
    const reader = new ClusterReader(reads, () => [{ kinds: ['sensor'] }], (s) => segments.push(s), { warn: () => undefined });
    reader.foreign();
    await reader.idle();
    const own: number[] = [];
    const others: number[] = [];
    // A's and B's commits interleave, concurrently, under the commit-order lock.
    await Promise.all([
      (async () => {
        for (let i = 0; i < 10; i++) {
          const { stored } = await a.commitBatch([message(`a${i % 3}`, `reader-a-${i}-1`), message(`a${i % 3}`, `reader-a-${i}-2`)], []);
          const mine = stored.filter((m): m is AcceptedMessage => m !== undefined);
          own.push(...mine.map((m) => m.seq));
          reader.committed(mine);
        }
      })(),
      (async () => {
        for (let i = 0; i < 10; i++) {
          const { stored } = await b.commitBatch([message('b', `reader-b-${i}`)], []);
          others.push((stored[0] as AcceptedMessage).seq);
          reader.foreign();
        }
      })(),
    ]);
    reader.foreign();
    await reader.idle();
    const handed = segments.flatMap((s) => s.messages.map((m) => m.seq));
    expect(handed).toEqual([...own, ...others].sort((x, y) => x - y));
    // Each of B's rows read once; one of A's only if its commit was visible before A heard its answer.
    expect(read.filter((seq) => others.includes(seq)).sort((x, y) => x - y)).toEqual(others);
    expect(new Set(read).size).toBe(read.length);
    expect(segments.every((s, i) => i === 0 || s.from === segments[i - 1]!.upTo)).toBe(true);
  });
});
