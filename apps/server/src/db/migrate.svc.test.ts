// Several servers started together on one fresh PostgreSQL database: each migration is applied
// once, none fails (CREATE TABLE IF NOT EXISTS raced with itself; the bench's three servers
// lost one to a duplicate pg_type key), and no advisory lock is left held afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL } from './database.testing';
import { migrate, MIGRATIONS } from './migrate';
import { PostgresDatabase } from './postgres-database';

describe('migrate on PostgreSQL, three servers at once', () => {
  const name = `estate_test_migrate_${randomBytes(6).toString('hex')}`;
  const url = TEST_POSTGRES_URL.replace(/\/[^/]*$/, `/${name}`);
  const admin = () => new pg.Client({ connectionString: TEST_POSTGRES_URL });
  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`); // generated above, never input
    await c.end();
  });
  afterAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });

  it('applies every migration once between them and leaves no lock held', async () => {
    const servers = await Promise.all([1, 2, 3].map(() => PostgresDatabase.open(url)));
    try {
      const ran = await Promise.all(servers.map((db) => migrate(db)));
      const applied = ran.flat().sort((a, b) => a - b);
      const expected = (await servers[0]!.query<{ version: number }>('SELECT version FROM schema_migrations WHERE applied ORDER BY version')).map((r) => r.version);
      expect(applied).toEqual(expected); // each applied version by exactly one server
      expect(expected.length).toBeGreaterThan(0);
      expect((await servers[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations'))[0]!.n).toBe(MIGRATIONS.length);
      const held = await servers[0]!.query(`SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = $1`, [name]);
      expect(held).toEqual([]);
    } finally {
      await Promise.all(servers.map((db) => db.close()));
    }
  });
});
