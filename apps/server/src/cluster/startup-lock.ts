import type { Database } from '../db/database';

/** pg_advisory_xact_lock key of start-up seeding (sites, users). */
const STARTUP_LOCK = 7_253_012;

/**
 * Servers starting together seed the site files and demo users one at a time: each checks what
 * exists and inserts what is missing, which two doing at once would both try (a duplicate-user error).
 * The lock is held by a transaction of its own for as long as `work` runs.
 */
export async function oneServerAtATime<T>(db: Database, work: () => Promise<T>): Promise<T> {
  if (db.kind !== 'postgres') return work();
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [STARTUP_LOCK]);
    return work();
  });
}
