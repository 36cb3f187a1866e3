import pg from 'pg';
import { INT8_OID, NUMERIC_OID, type Database, type Queryable, type TransactionOptions } from './database';

const toNumber = (v: string) => Number(v);

export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;

  private constructor(
    private readonly pool: pg.Pool,
    /** queryDerived's connections: `synchronous_commit = off` for the session, so never used for anything else. */
    private readonly derivedPool: pg.Pool,
  ) {}

  static async open(connectionString: string, max = 20): Promise<PostgresDatabase> {
    const types = {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID || oid === NUMERIC_OID ? toNumber : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    };
    const pool = new pg.Pool({ connectionString, max, types });
    // Two: the equipment handler's batch and an alarm's lane beside it (ingest/README.md "Alarms first").
    const derivedPool = new pg.Pool({ connectionString, max: 2, types, options: '-c synchronous_commit=off' });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    derivedPool.on('error', () => undefined);
    const client = await pool.connect();
    client.release();
    return new PostgresDatabase(pool, derivedPool);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.pool.query(sql, params);
    return result.rows as T[];
  }

  async queryDerived<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.derivedPool.query(sql, params);
    return result.rows as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client has no pool listener: when PostgreSQL goes away mid-transaction it
    // emits 'error', which with no listener kills the process (tests/faults found it). The
    // transaction fails instead, and the broken client is discarded rather than pooled.
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      // Without parameters: the simple protocol sends both statements in one round trip.
      await client.query(options.derived ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN');
      const result = await work({ query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[] });
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

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.derivedPool.end()]);
  }
}
