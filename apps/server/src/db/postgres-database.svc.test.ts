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
