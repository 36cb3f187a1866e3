import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { INT8_OID, NUMERIC_OID, type Database, type Queryable } from './database';

/** What PgliteDatabase uses of a PGlite instance: any build of PGlite with the same API fits. */
export interface PgliteClient {
  readonly closed: boolean;
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
  transaction<T>(work: (tx: { query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PgliteOpenOptions {
  dataDir?: string;
  parsers: Record<number, (value: string) => unknown>;
}

/**
 * Which PGlite build to start. The shipped server uses `@electric-sql/pglite`; the TimescaleDB
 * test suite passes another build (db/timescale.testing.ts) so the same class, migrations and
 * repositories run on it.
 */
export type PgliteEngine = (options: PgliteOpenOptions) => Promise<PgliteClient>;

export const defaultPgliteEngine: PgliteEngine = (options) => PGlite.create(options);

/**
 * Embedded PostgreSQL (PGlite). One connection: PGlite queues statements itself.
 * Durability: PGlite on disk makes no fsync calls, so a power cut can lose recent commits;
 * a process crash does not (the OS page cache still holds the writes) — see README.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PgliteClient) {}

  /** `dataDir` undefined keeps everything in memory (tests). */
  static async open(dataDir?: string, engine: PgliteEngine = defaultPgliteEngine): Promise<PgliteDatabase> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    // One options object: `new PGlite(undefined, options)` would drop the options (and the parsers).
    const db = await engine({
      ...(dataDir ? { dataDir } : {}),
      parsers: { [INT8_OID]: (v: string) => Number(v), [NUMERIC_OID]: (v: string) => Number(v) },
    });
    return new PgliteDatabase(db);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.db.query<T>(sql, params);
    return result.rows;
  }

  /** One connection, no fsync setting to tell apart: a plain statement. */
  queryDerived<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.query<T>(sql, params);
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
