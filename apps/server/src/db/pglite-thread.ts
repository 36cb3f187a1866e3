// Runs inside the PGlite worker thread (pglite-worker-client.ts starts it): PGlite computes here,
// off the thread that reads the broker's sockets and writes the screens' events.
import { parentPort, workerData } from 'node:worker_threads';
import { INT8_OID, NUMERIC_OID, messageOf } from './database';

/** What the server's thread asks. `tx` names the open transaction a statement belongs to. */
export type ThreadRequest =
  | { op: 'query'; id: number; sql: string; params: unknown[]; tx?: number }
  | { op: 'exec'; id: number; sql: string }
  | { op: 'begin'; id: number }
  | { op: 'end'; id: number; tx: number; commit: boolean }
  | { op: 'close'; id: number };

export type ThreadReply = { id: number; rows?: unknown[]; error?: SentError } | { ready: true } | { failed: SentError };

/** A database error as it crosses threads: its message and its fields (code, constraint, detail…). */
export interface SentError {
  message: string;
  fields: Record<string, string | number | boolean>;
}

export interface ThreadOptions {
  /** The PGlite build's module (its absolute path): `@electric-sql/pglite` unless a test picks another. */
  module: string;
  dataDir?: string;
}

interface PgliteModule {
  PGlite: {
    create(options: object): Promise<{
      query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
      exec(sql: string): Promise<unknown>;
      transaction<T>(work: (tx: { query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> }) => Promise<T>): Promise<T>;
      close(): Promise<void>;
    }>;
  };
}

export function sendable(error: unknown): SentError {
  if (!(error instanceof Error)) return { message: messageOf(error), fields: {} };
  const fields: SentError['fields'] = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
  }
  return { message: error.message, fields };
}

/** The statements of one open transaction, handed over as they arrive. */
class TransactionInbox {
  private readonly waiting: ThreadRequest[] = [];
  private wake: (() => void) | undefined;

  push(request: ThreadRequest): void {
    this.waiting.push(request);
    this.wake?.();
  }

  async next(): Promise<ThreadRequest> {
    while (this.waiting.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    return this.waiting.shift()!;
  }
}

async function serve(port: NonNullable<typeof parentPort>, options: ThreadOptions): Promise<void> {
  const { PGlite } = require(options.module) as PgliteModule;
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    parsers: { [INT8_OID]: (v: string) => Number(v), [NUMERIC_OID]: (v: string) => Number(v) },
  });
  const open = new Map<number, TransactionInbox>();
  const reply = (message: ThreadReply) => port.postMessage(message);
  const answer = (id: number, work: Promise<unknown[] | undefined>) =>
    work.then(
      (rows) => reply({ id, rows }),
      (error: unknown) => reply({ id, error: sendable(error) }),
    );

  /**
   * Runs one transaction: its statements come through its inbox until the server's thread ends it.
   * The end request is answered once PGlite has committed or rolled back.
   */
  const transact = (beginId: number) => {
    const inbox = new TransactionInbox();
    open.set(beginId, inbox);
    let end: { id: number; commit: boolean } | undefined;
    const rollback = new Error('rolled back by the caller');
    db.transaction(async (tx) => {
      reply({ id: beginId, rows: [] });
      for (;;) {
        const request = await inbox.next();
        if (request.op === 'end') {
          end = request;
          if (!request.commit) throw rollback;
          return;
        }
        if (request.op === 'query') await answer(request.id, tx.query(request.sql, request.params).then((r) => r.rows));
      }
    })
      .then(
        () => reply({ id: end!.id, rows: [] }),
        (error: unknown) => {
          if (!end) return reply({ id: beginId, error: sendable(error) });
          reply(error === rollback ? { id: end.id, rows: [] } : { id: end.id, error: sendable(error) });
        },
      )
      .finally(() => open.delete(beginId));
  };

  port.on('message', (request: ThreadRequest) => {
    if ((request.op === 'query' || request.op === 'end') && request.tx !== undefined) {
      const inbox = open.get(request.tx);
      if (inbox) return inbox.push(request);
      return reply({ id: request.id, error: { message: `no open transaction ${request.tx}`, fields: {} } });
    }
    switch (request.op) {
      case 'query':
        return void answer(request.id, db.query(request.sql, request.params).then((r) => r.rows));
      case 'exec':
        return void answer(request.id, db.exec(request.sql).then(() => undefined));
      case 'begin':
        return void transact(request.id);
      case 'close':
        return void answer(request.id, db.close().then(() => undefined));
    }
  });
  reply({ ready: true });
}

if (parentPort && workerData) {
  const port = parentPort;
  serve(port, workerData as ThreadOptions).catch((error: unknown) => port.postMessage({ failed: sendable(error) } satisfies ThreadReply));
}
