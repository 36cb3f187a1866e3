import pg from 'pg';
import { INT8_OID, NUMERIC_OID, type Database, type DatabaseSession, type Queryable, type TransactionOptions } from './database';
import { pgParams } from './pg-params';

const toNumber = (v: string) => Number(v);

export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  /** session(name)'s connections: a pool of one each, never closed for being idle. */
  private readonly sessions = new Map<string, DatabaseSession & { pool: pg.Pool }>();

  private constructor(
    private readonly pool: pg.Pool,
    /** queryDerived's connections: `synchronous_commit = off` for the session, so never used for anything else. */
    private readonly derivedPool: pg.Pool,
    private readonly options: pg.PoolConfig,
  ) {}

  static async open(connectionString: string, max = 20): Promise<PostgresDatabase> {
    const types = {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID || oid === NUMERIC_OID ? toNumber : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    };
    const options: pg.PoolConfig = { connectionString, types };
    const pool = new pg.Pool({ ...options, max });
    // Two: the equipment handler's batch and an alarm's lane beside it (ingest/README.md "Alarms first").
    const derivedPool = new pg.Pool({ ...options, max: 2, options: '-c synchronous_commit=off' });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    derivedPool.on('error', () => undefined);
    const client = await pool.connect();
    client.release();
    return new PostgresDatabase(pool, derivedPool, options);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.pool.query(sql, pgParams(params));
    return result.rows as T[];
  }

  async queryDerived<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.derivedPool.query(sql, pgParams(params));
    return result.rows as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  session(name: string): DatabaseSession {
    let session = this.sessions.get(name);
    if (!session) {
      // idleTimeoutMillis 0: kept open between bursts, so its backend stays warm.
      const pool = new pg.Pool({ ...this.options, max: 1, idleTimeoutMillis: 0 });
      pool.on('error', () => undefined);
      session = {
        pool,
        query: async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, pgParams(params))).rows as T[],
        transaction: (work, options) => transactionOn(pool, work, options),
      };
      this.sessions.set(name, session);
    }
    return session;
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return transactionOn(this.pool, work, options);
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.derivedPool.end(), ...[...this.sessions.values()].map((s) => s.pool.end())]);
  }
}

/** BEGIN, the work, COMMIT on one connection of `pool`; ROLLBACK if the work throws. */
async function transactionOn<T>(pool: pg.Pool, work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no pool listener: when PostgreSQL goes away mid-transaction it
  // emits 'error', which with no listener kills the process (tests/faults found it). The
  // transaction fails instead, and the broken client is discarded rather than pooled.
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    // Without parameters: the simple protocol sends both statements in one round trip.
    await client.query(options.derived ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN');
    const result = await work({ query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, pgParams(params))).rows as R[] });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
