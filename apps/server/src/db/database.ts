// One interface over PGlite (embedded default) and PostgreSQL (DATABASE_URL): the same SQL runs on both.
export interface Queryable {
  /** Parameterised query ($1, $2 …); values never go into the SQL text. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Statements and transactions on one connection kept for one caller (Database.session). The
 * caller sends one at a time: a second waits for the first.
 */
export interface DatabaseSession extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs several statements without parameters (migrations only). */
  exec(sql: string): Promise<void>;
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * One statement of derived state (see TransactionOptions.derived) committed on its own: no
   * BEGIN and COMMIT round trips, and on PostgreSQL no wait for its fsync (a connection of its own
   * with `synchronous_commit = off`). For a handler whose state and alerts fit one statement.
   */
  queryDerived<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * A connection of the caller's own, the same one on every call with that name, kept open: for
   * a caller that sends one heavy statement at a time, many times (ingest's grouped commit).
   * PostgreSQL learns per connection what a statement touches (the relations, their indexes,
   * types, operators: its catalog caches); from the shared pool a statement lands on whichever
   * connection is free, and pays that again on each of them, and on each connection the pool opens
   * (and closes after 10 s idle) during a burst. PGlite: the one connection.
   */
  session(name: string): DatabaseSession;
  close(): Promise<void>;
}

export interface TransactionOptions {
  /**
   * The transaction writes only state derived from messages that are already durable (a handler
   * applying what ingest committed): PostgreSQL may acknowledge its COMMIT before the WAL reaches
   * the disk (`synchronous_commit = off`), one fsync fewer on an alarm's way to the screens.
   * Why that is safe: WAL is flushed in order, so the next synchronous commit (ingest's next
   * grouped commit, the handler's cursor write) makes it durable too, and the cursor can never be
   * durable past a state that is not. Only a crash of PostgreSQL itself within its WAL writer's
   * delay (200 ms by default) can lose such a transaction; the pipeline then applies those
   * messages again from its cursor and raises their alerts again. PGlite: no difference.
   */
  derived?: boolean;
}

/** Injection token for the Database. */
export const DATABASE = Symbol('DATABASE');

/** int8 (OID 20) and numeric (1700) as JS numbers on both drivers: counts and sequences stay well below 2^53. */
export const INT8_OID = 20;
export const NUMERIC_OID = 1700;

/** What a thrown value says: Emscripten's ExitStatus (PGlite that could not start) is an object with a message, not an Error. */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
