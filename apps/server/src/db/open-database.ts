import type { Database } from './database';
import { migrate } from './migrate';
import { PgliteDatabase, type PgliteEngine } from './pglite-database';
import { PostgresDatabase } from './postgres-database';

/**
 * DATABASE_URL set: PostgreSQL; unset: PGlite in dataDir (undefined: in memory). Migrated before use.
 * `pglite` picks another PGlite build (tests: the TimescaleDB one); the server never sets it.
 */
export async function openDatabase(options: { databaseUrl?: string; dataDir?: string; pglite?: PgliteEngine }): Promise<Database> {
  const db = options.databaseUrl ? await PostgresDatabase.open(options.databaseUrl) : await PgliteDatabase.open(options.dataDir, options.pglite);
  await migrate(db);
  return db;
}
