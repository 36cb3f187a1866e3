import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { INT8_OID, NUMERIC_OID, type Database, type Queryable } from './database';

/**
 * Embedded PostgreSQL (PGlite). One connection: PGlite queues statements itself.
 * Durability: PGlite on disk makes no fsync calls, so a power cut can lose recent commits;
 * a process crash does not (the OS page cache still holds the writes) — see README.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  /** `dataDir` undefined keeps everything in memory (tests). */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const db = new PGlite(dataDir, {
      parsers: { [INT8_OID]: (v: string) => Number(v), [NUMERIC_OID]: (v: string) => Number(v) },
    });
    await db.waitReady;
    return new PgliteDatabase(db);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.db.query<T>(sql, params);
    return result.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      work({ query: async <R>(sql: string, params: unknown[] = []) => (await tx.query<R>(sql, params)).rows }),
    );
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
