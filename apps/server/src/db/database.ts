// One interface over PGlite (embedded default) and PostgreSQL (DATABASE_URL): the same SQL runs on both.
export interface Queryable {
  /** Parameterised query ($1, $2 …); values never go into the SQL text. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs several statements without parameters (migrations only). */
  exec(sql: string): Promise<void>;
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Injection token for the Database. */
export const DATABASE = Symbol('DATABASE');

/** int8 (OID 20) and numeric (1700) as JS numbers on both drivers: counts and sequences stay well below 2^53. */
export const INT8_OID = 20;
export const NUMERIC_OID = 1700;
