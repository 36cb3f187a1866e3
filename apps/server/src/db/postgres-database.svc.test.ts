// PostgreSQL going away under a transaction (a restart, a failover, pg_terminate_backend) must
// fail that transaction, not the process, and leave the pool usable (tests/faults found the crash).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from './database.testing';

describe('PostgresDatabase when the connection dies mid-transaction', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase('postgres');
  });
  afterAll(() => t.drop());

  it('rejects the transaction, does not crash, and the next query works on a fresh connection', async () => {
    const killed = t.db.transaction(async (tx) => {
      const [{ pid }] = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await admin.end();
      // The connection's end arrives as an 'error' event between queries; the next query sees it too.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await tx.query('SELECT 1');
    });
    await expect(killed).rejects.toThrow(/terminat|connection error/i);
    expect(await t.db.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(await t.db.transaction((tx) => tx.query<{ two: number }>('SELECT 2 AS two'))).toEqual([{ two: 2 }]);
  });
});

describe('PostgresDatabase derived transactions', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase('postgres');
  });
  afterAll(() => t.drop());

  const setting = (tx: { query<R>(sql: string): Promise<R[]> }) => tx.query<{ synchronous_commit: string }>('SHOW synchronous_commit');

  it('commits a derived transaction without waiting for its fsync, and only that transaction', async () => {
    expect(await t.db.transaction(setting, { derived: true })).toEqual([{ synchronous_commit: 'off' }]);
    // SET LOCAL: the pooled connection goes back as it was.
    expect(await t.db.transaction(setting)).toEqual([{ synchronous_commit: 'on' }]);
    expect(await t.db.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
  });

  it('a derived statement on its own (queryDerived) is committed without waiting for its fsync; other statements still wait', async () => {
    expect(await t.db.queryDerived('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'off' }]);
    expect(await t.db.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
  });

  it('still commits and rolls back', async () => {
    await t.db.query('CREATE TABLE derived_probe (n int)');
    await t.db.transaction((tx) => tx.query('INSERT INTO derived_probe VALUES (1)'), { derived: true });
    await expect(t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO derived_probe VALUES (2)');
      throw new Error('rolled back');
    }, { derived: true })).rejects.toThrow('rolled back');
    expect(await t.db.query('SELECT n FROM derived_probe')).toEqual([{ n: 1 }]);
  });
});

describe('PostgresDatabase sessions (Database.session)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase('postgres');
  });
  afterAll(() => t.drop());

  const backend = async (on: { query<R>(sql: string): Promise<R[]> }) => (await on.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;

  it('one connection per name, the same on every call and in its transactions, apart from the pool', async () => {
    const commits = t.db.session('ingest-commit');
    const first = await backend(commits);
    // the shared pool busy with other work meanwhile: the session keeps its own backend
    await Promise.all(Array.from({ length: 6 }, () => t.db.query('SELECT pg_sleep(0.01)')));
    expect(await Promise.all([backend(commits), backend(commits), commits.transaction(backend)])).toEqual([first, first, first]);
    expect(t.db.session('ingest-commit')).toBe(commits);
    const other = await backend(t.db.session('handler:parking'));
    expect(other).not.toBe(first);
    expect(await backend(t.db)).not.toBe(first);
  });

  it('a session sends one statement at a time: a second waits for the first', async () => {
    const s = t.db.session('one-at-a-time');
    const order: string[] = [];
    await Promise.all([
      s.transaction(async (tx) => {
        await tx.query('SELECT pg_sleep(0.05)');
        order.push('transaction');
      }),
      s.query('SELECT 1').then(() => order.push('statement')),
    ]);
    expect(order).toEqual(['transaction', 'statement']);
  });

  it('a session whose backend was terminated fails that call and reconnects for the next', async () => {
    const s = t.db.session('terminated');
    const pid = await backend(s);
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
    await new Promise<void>((resolve) => setImmediate(resolve));
    await s.query('SELECT 1').catch(() => undefined); // the dead connection's error, if not yet noticed
    const next = await backend(s);
    expect(next).not.toBe(pid);
    expect(await s.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
  });
});
