import type { Database } from './database';
import { migrate } from './migrate';
import { PgliteDatabase } from './pglite-database';
import { PostgresDatabase } from './postgres-database';

/** DATABASE_URL set: PostgreSQL; unset: PGlite in dataDir (undefined: in memory). Migrated before use. */
export async function openDatabase(options: { databaseUrl?: string; dataDir?: string }): Promise<Database> {
  const db = options.databaseUrl ? await PostgresDatabase.open(options.databaseUrl) : await PgliteDatabase.open(options.dataDir);
  await migrate(db);
  return db;
}
