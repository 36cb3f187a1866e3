// Test support: a fresh database per suite, PGlite in memory or a throw-away PostgreSQL database.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from './database';
import { openDatabase } from './open-database';
import { openTimescaleTestDatabase } from './timescale.testing';

/** PostgreSQL server for the service suite; CI and dev machines run one on 127.0.0.1:5432. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Database;
  url?: string;
  drop(): Promise<void>;
}

/** `timescale`: PGlite with TimescaleDB (a devDependency; its WASM loads only when asked for). */
export type Backend = 'pglite' | 'postgres' | 'timescale';

export async function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const db = await openDatabase({});
    return { db, drop: () => db.close() };
  }
  if (backend === 'timescale') {
    const db = await openTimescaleTestDatabase();
    return { db, drop: () => db.close() };
  }
  const name = `estate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`); // name is generated above, never user input
  await admin.end();
  const url = TEST_POSTGRES_URL.replace(/\/[^/]*$/, `/${name}`);
  const db = await openDatabase({ databaseUrl: url });
  return {
    db,
    url,
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** `db`, but its shared pool refuses: only a named session (Database.session) may be used; each name asked for is pushed to `named`. */
export function sessionsOnly(db: Database, named: string[]): Database {
  const refuse = () => Promise.reject(new Error('the shared pool was used'));
  return Object.assign(Object.create(db) as Database, {
    query: refuse,
    transaction: refuse,
    session: (name: string) => (named.push(name), db.session(name)),
  });
}
