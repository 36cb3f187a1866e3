import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from './database';
import { openDatabase } from './open-database';
import { PgliteDatabase, defaultPgliteEngine, type PgliteEngine } from './pglite-database';
import { PgliteWorkerClient, workerPgliteEngine } from './pglite-worker-client';

const opened: Database[] = [];
const open = async (engine: PgliteEngine = workerPgliteEngine, dataDir?: string) => {
  const db = await PgliteDatabase.open(dataDir, engine);
  opened.push(db);
  return db;
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

/** The longest the event loop went without a turn while `work` ran, and how long `work` took. */
async function loopGapDuring(work: () => Promise<unknown>): Promise<{ gapMs: number; tookMs: number }> {
  let last = performance.now();
  let gapMs = 0;
  let running = true;
  const tick = () => {
    const now = performance.now();
    gapMs = Math.max(gapMs, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const started = performance.now();
  await work();
  const tookMs = performance.now() - started;
  running = false;
  // A loop held until the work ended has had no turn since the last tick.
  gapMs = Math.max(gapMs, performance.now() - last);
  return { gapMs, tookMs };
}

const HEAVY = 'SELECT sum(i * 2 % 7) AS s FROM generate_series(1, 3000000) AS i';

describe(PgliteWorkerClient.name, () => {
  it('returns rows with the same types as PGlite in process (int8 and numeric as numbers, dates, bytes, json)', async () => {
    const sql = `SELECT 9007199254740::int8 AS big, 1.25::numeric AS n, '2026-12-05T10:00:00Z'::timestamptz AS at,
                        '\\x0102'::bytea AS bytes, '{"a":[1,2]}'::jsonb AS doc, NULL::text AS nothing, $1::text[] AS list`;
    const [inWorker] = await (await open()).query(sql, [['x', 'y']]);
    const [inProcess] = await (await open(defaultPgliteEngine)).query(sql, [['x', 'y']]);
    expect(inWorker).toEqual(inProcess);
    expect(inWorker).toMatchObject({ big: 9007199254740, n: 1.25, at: new Date('2026-12-05T10:00:00Z'), doc: { a: [1, 2] }, nothing: null, list: ['x', 'y'] });
  });

  it("keeps a database error's fields (code, constraint), so callers can tell a duplicate", async () => {
    const db = await open();
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    await db.query('INSERT INTO t VALUES ($1)', [1]);
    const error = await db.query('INSERT INTO t VALUES ($1)', [1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23505', constraint: 't_pkey', message: expect.stringContaining('duplicate key') });
  });

  it('commits a transaction, and rolls all of it back when the work throws', async () => {
    const db = await open();
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1)');
      await tx.query('INSERT INTO t VALUES (2)');
    });
    const thrown = await db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (3)');
        throw new Error('the caller gave up');
      })
      .catch((e: unknown) => e);
    expect(thrown).toEqual(new Error('the caller gave up'));
    const failed = await db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (4)');
        await tx.query('INSERT INTO t VALUES (1)');
      })
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: '23505' });
    expect(await db.query<{ id: number }>('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('holds the connection for an open transaction: a statement sent meanwhile sees it committed', async () => {
    const db = await open();
    await db.exec('CREATE TABLE t (id int)');
    let outside: Promise<{ n: number }[]> | undefined;
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1)');
      outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
      await new Promise((resolve) => setImmediate(resolve));
      await tx.query('INSERT INTO t VALUES (2)');
    });
    expect(await outside).toEqual([{ n: 2 }]);
  });

  it('runs statements sent together in the order they were sent', async () => {
    const db = await open();
    await db.exec('CREATE TABLE t (seq serial, v int)');
    await Promise.all(Array.from({ length: 50 }, (_, v) => db.query('INSERT INTO t (v) VALUES ($1)', [v])));
    const rows = await db.query<{ v: number }>('SELECT v FROM t ORDER BY seq');
    expect(rows.map((r) => r.v)).toEqual(Array.from({ length: 50 }, (_, v) => v));
  });

  it("leaves the caller's event loop free while PGlite computes (in process, it is not)", async () => {
    const [worker, inThread] = [await open(), await open(defaultPgliteEngine)];
    const inWorker = await loopGapDuring(() => worker.query(HEAVY));
    const inProcess = await loopGapDuring(() => inThread.query(HEAVY));
    // Relative to the statement's own time, so a loaded machine (other processes taking turns) does not decide it.
    expect(inProcess.gapMs).toBeGreaterThan(inProcess.tookMs * 0.8);
    expect(inWorker.tookMs).toBeGreaterThan(100);
    expect(inWorker.gapMs).toBeLessThan(inWorker.tookMs / 4);
  });

  it('keeps its data in dataDir across a close and a new start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-worker-'));
    try {
      const first = await PgliteDatabase.open(dir, workerPgliteEngine);
      await first.exec('CREATE TABLE kept (v text)');
      await first.query('INSERT INTO kept VALUES ($1)', ['still here']);
      await first.close();
      const second = await PgliteDatabase.open(dir, workerPgliteEngine);
      const rows = await second.query('SELECT v FROM kept');
      await second.close();
      expect(rows).toEqual([{ v: 'still here' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers "the database is closed" after close, and fails to start on a data directory it cannot use', async () => {
    const db = await PgliteDatabase.open(undefined, workerPgliteEngine);
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow('the database is closed');

    const file = join(mkdtempSync(join(tmpdir(), 'pglite-worker-')), 'not-a-directory');
    writeFileSync(file, 'x');
    await expect(workerPgliteEngine({ dataDir: file, parsers: {} })).rejects.toThrow();
  });

  it.each([
    { engine: 'worker', start: workerPgliteEngine },
    { engine: 'in process', start: defaultPgliteEngine },
  ])('$engine: a data directory holding other files but no database is refused with what to do', async ({ start }) => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-worker-'));
    try {
      mkdirSync(join(dir, 'mqtt-sessions'));
      writeFileSync(join(dir, 'notes.txt'), 'not ours');
      const refused = await PgliteDatabase.open(dir, start).catch((e: unknown) => e as Error);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toContain(`PGlite could not open ${dir}`);
      expect((refused as Error).message).toContain('holds mqtt-sessions, notes.txt but no database');
      expect((refused as Error).message).toContain('set DATA_DIR to a new directory');
      expect((refused as Error).message).not.toContain('[object Object]');
      expect(readdirSync(dir).sort()).toEqual(['mqtt-sessions', 'notes.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    { engine: 'worker', start: workerPgliteEngine },
    { engine: 'in process', start: defaultPgliteEngine },
  ])("$engine: a data directory holding only the broker's sessions (a run with DATABASE_URL) gets its database, the sessions kept", async ({ start }) => {
    const parent = mkdtempSync(join(tmpdir(), 'pglite-worker-'));
    const dir = join(parent, 'data');
    try {
      mkdirSync(join(dir, 'mqtt-sessions'), { recursive: true });
      writeFileSync(join(dir, 'mqtt-sessions', 'CURRENT'), 'MANIFEST-000001\n');
      const db = await PgliteDatabase.open(dir, start);
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await db.close();
      expect(readdirSync(dir)).toEqual(expect.arrayContaining(['PG_VERSION', 'mqtt-sessions']));
      expect(readFileSync(join(dir, 'mqtt-sessions', 'CURRENT'), 'utf8')).toBe('MANIFEST-000001\n');
      expect(readdirSync(parent)).toEqual(['data']); // nothing left aside
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('runs the migrations, so the server can start on it', async () => {
    const db = await openDatabase({ pglite: workerPgliteEngine });
    opened.push(db);
    const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'alerts'");
    expect(row).toEqual({ n: 1 });
  });
});
