import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { BROKER_STATE_DIR } from '../broker/broker-persistence';
import { INT8_OID, NUMERIC_OID, messageOf, type Database, type DatabaseSession, type Queryable } from './database';

/** What PgliteDatabase uses of a PGlite instance: any build of PGlite with the same API fits. */
export interface PgliteClient {
  readonly closed: boolean;
  /** PGlite computes on another thread (PgliteWorkerClient): no need to give the event loop turns. */
  readonly offThread?: boolean;
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
 * What the server itself keeps in DATA_DIR beside the database: the embedded broker's sessions. A
 * run with DATABASE_URL leaves them in a DATA_DIR that holds no database yet.
 */
const OURS_BESIDE_THE_DATABASE: readonly string[] = [BROKER_STATE_DIR];

/**
 * PGlite creates its database only in an empty directory. When a DATA_DIR with no database holds
 * only what the server keeps there (the broker's sessions of an earlier run with DATABASE_URL),
 * that is moved to a sibling folder while the database is created, and back after; `npm start`
 * then works on the directory such a run left. Returns the way back, or undefined when nothing
 * was moved.
 */
function setAsideWhileCreating(dataDir: string): (() => void) | undefined {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return undefined;
  const entries = readdirSync(dataDir);
  if (entries.length === 0 || !entries.every((e) => OURS_BESIDE_THE_DATABASE.includes(e))) return undefined;
  const moved: string[] = [];
  let aside: string | undefined;
  const putBack = () => {
    for (const e of moved.splice(0)) renameSync(join(aside!, e), join(dataDir, e));
    if (aside) rmdirSync(aside);
  };
  try {
    aside = mkdtempSync(join(dirname(dataDir), `.${basename(dataDir)}-aside-`));
    for (const e of entries) {
      renameSync(join(dataDir, e), join(aside, e));
      moved.push(e);
    }
    return putBack;
  } catch {
    // No sibling folder here (a read-only parent, DATA_DIR a mount point): left as it is, and the
    // start fails with what to do (startProblem).
    putBack();
    return undefined;
  }
}

/**
 * PGlite creates its database only in an empty directory: one holding anything else makes it
 * exit with no reason given.
 */
function startProblem(error: unknown, dataDir: string | undefined): string {
  const said = messageOf(error);
  if (!dataDir || existsSync(join(dataDir, 'PG_VERSION'))) return said;
  const other = readdirSync(dataDir);
  if (other.length === 0) return said;
  return `${said}. The directory holds ${other.join(', ')} but no database, and PGlite creates one only in an empty directory: set DATA_DIR to a new directory, or move those out`;
}

/** See PgliteDatabase.turn(). */
export const STATEMENT_SLICE_MS = 10;

/**
 * Embedded PostgreSQL (PGlite). One connection: PGlite queues statements itself.
 * Durability: PGlite on disk makes no fsync calls, so a power cut can lose recent commits;
 * a process crash does not (the OS page cache still holds the writes) — see README.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  /** When the event loop last had its turn (see turn()). */
  private sliceStart = 0;
  /** The turn statements issued now wait for: one for all, so they keep the order they came in. */
  private pendingTurn: Promise<void> | undefined;

  private constructor(
    private readonly db: PgliteClient,
    /** Most milliseconds of statements in a row before the event loop gets a turn (0: before every one). */
    private readonly sliceMs = STATEMENT_SLICE_MS,
  ) {}

  /** `dataDir` undefined keeps everything in memory (tests). */
  static async open(dataDir?: string, engine: PgliteEngine = defaultPgliteEngine): Promise<PgliteDatabase> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const putBack = dataDir ? setAsideWhileCreating(dataDir) : undefined;
    try {
      // One options object: `new PGlite(undefined, options)` would drop the options (and the parsers).
      const db = await engine({
        ...(dataDir ? { dataDir } : {}),
        parsers: { [INT8_OID]: (v: string) => Number(v), [NUMERIC_OID]: (v: string) => Number(v) },
      }).catch((error: unknown) => {
        throw new Error(`PGlite could not open ${dataDir ?? 'its in-memory database'}: ${startProblem(error, dataDir)}`);
      });
      return new PgliteDatabase(db);
    } finally {
      putBack?.();
    }
  }

  /** For tests: a client of the caller's, and the slice. */
  static over(db: PgliteClient, sliceMs = STATEMENT_SLICE_MS): PgliteDatabase {
    return new PgliteDatabase(db, sliceMs);
  }

  /**
   * In process (PGLITE_THREAD=main, and the tests' own databases), PGlite computes on this
   * thread, and Node runs the microtasks after every single I/O callback: a statement chain
   * started from one socket's callback (a handler's batch, then the next) ran
   * to its end before the next socket of the same poll phase was read or the next connection
   * accepted. With 10,000 devices connecting, the server accepted about one connection per
   * chain (25-50/s, hundreds waiting in the listen queue), and each commit carried one status.
   * So after `sliceMs` of statements the next one waits for the check phase (setImmediate):
   * every ready socket and connection is taken first, and their messages share the next commit.
   * Inside a transaction statements go on (it holds the one connection anyway). In a worker
   * thread (PgliteWorkerClient) there is nothing to give: each statement is a message to it.
   */
  private turn(): Promise<void> | undefined {
    if (this.db.offThread) return undefined;
    if (this.pendingTurn) return this.pendingTurn;
    if (performance.now() - this.sliceStart < this.sliceMs) return undefined;
    this.pendingTurn = new Promise<void>((resolve) =>
      setImmediate(() => {
        this.pendingTurn = undefined;
        this.sliceStart = performance.now();
        resolve();
      }),
    );
    return this.pendingTurn;
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const turn = this.turn();
    if (turn) await turn;
    const result = await this.db.query<T>(sql, params);
    return result.rows;
  }

  /** One connection, no fsync setting to tell apart: a plain statement. */
  queryDerived<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.query<T>(sql, params);
  }

  /** One connection: every session is this database. */
  session(): DatabaseSession {
    return this;
  }

  async exec(sql: string): Promise<void> {
    const turn = this.turn();
    if (turn) await turn;
    await this.db.exec(sql);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const turn = this.turn();
    if (turn) await turn;
    return this.db.transaction(async (tx) =>
      work({ query: async <R>(sql: string, params: unknown[] = []) => (await tx.query<R>(sql, params)).rows }),
    );
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
