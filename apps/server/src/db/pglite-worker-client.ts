import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PgliteClient, PgliteEngine, PgliteOpenOptions } from './pglite-database';
import type { SentError, ThreadOptions, ThreadReply, ThreadRequest } from './pglite-thread';

/** Statements of one transaction, sent to the thread under the transaction's id. */
type TxQuery = <R>(sql: string, params?: unknown[]) => Promise<{ rows: R[] }>;

/**
 * PGlite in a worker thread. PGlite computes in WebAssembly on whichever thread calls it: on the
 * server's own thread a statement of 5 ms was 5 ms in which no broker socket was read and no
 * event reached a screen (an alarm's PUBLISH → read p50 6.5 ms under 5,000 msg/s, issue 9.4), and
 * the machine's second core idled. Here the server's thread only posts the statement and its
 * parameters and takes the rows back (structured clone, tens of µs); PGlite runs on its own core.
 *
 * Same behaviour as PGlite in process: one connection, statements in the order sent, a
 * transaction holds the connection until it ends (PGlite queues the rest), errors keep their
 * fields (`code`, `constraint`…).
 */
export class PgliteWorkerClient implements PgliteClient {
  /** PGlite does not compute on the caller's thread: PgliteDatabase need not yield between statements. */
  readonly offThread = true;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  private stopped: Error | undefined;
  private closing = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: ThreadReply) => {
      if (!('id' in reply)) return;
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.settled(reply.id);
      if (reply.error) waiter.reject(received(reply.error));
      else waiter.resolve(reply.rows ?? []);
    });
    const stop = (error: Error) => {
      this.stopped ??= error;
      for (const [id, waiter] of this.pending) {
        this.settled(id);
        waiter.reject(this.stopped);
      }
    };
    worker.on('error', (error) => stop(new Error(`the PGlite thread failed: ${error.message}`)));
    worker.on('exit', (code) => stop(new Error(this.closing ? 'the database is closed' : `the PGlite thread exited (code ${code})`)));
    // Idle, the thread does not keep the process alive; a statement waiting for it does (see send).
    worker.unref();
  }

  /**
   * Starts the thread and PGlite in it. `module` is the PGlite build to load there (a path or a
   * package name resolvable from here). Rejects with PGlite's own error if it cannot open dataDir.
   */
  static async start(options: PgliteOpenOptions, module = '@electric-sql/pglite'): Promise<PgliteWorkerClient> {
    const threadOptions: ThreadOptions = { module: resolveHere(module), ...(options.dataDir ? { dataDir: options.dataDir } : {}) };
    const worker = new Worker(`require(${JSON.stringify(threadFile())})`, { eval: true, workerData: threadOptions, execArgv: typeScriptLoader() });
    const listeners: { started?: (reply: ThreadReply) => void; failed?: (error: Error) => void; exited?: (code: number) => void } = {};
    await new Promise<void>((resolve, reject) => {
      listeners.started = (reply) => {
        if ('ready' in reply) resolve();
        else if ('failed' in reply) reject(received(reply.failed));
      };
      listeners.failed = reject;
      listeners.exited = (code) => reject(new Error(`the PGlite thread exited (code ${code}) before PGlite started`));
      worker.on('message', listeners.started).on('error', listeners.failed).on('exit', listeners.exited);
    })
      .catch(async (error: unknown) => {
        await worker.terminate();
        throw error;
      })
      .finally(() => {
        // Only these: Node's own listeners on the worker keep its messages flowing.
        worker.off('message', listeners.started!).off('error', listeners.failed!).off('exit', listeners.exited!);
      });
    return new PgliteWorkerClient(worker);
  }

  get closed(): boolean {
    return this.stopped !== undefined || this.closing;
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<{ rows: T[] }> {
    return { rows: (await this.send((id) => ({ op: 'query', id, sql, params }))) as T[] };
  }

  async exec(sql: string): Promise<unknown> {
    return this.send((id) => ({ op: 'exec', id, sql }));
  }

  async transaction<T>(work: (tx: { query: TxQuery }) => Promise<T>): Promise<T> {
    let tx = 0;
    await this.send((id) => ({ op: 'begin', id: (tx = id) }));
    const query: TxQuery = async <R>(sql: string, params: unknown[] = []) => ({ rows: (await this.send((id) => ({ op: 'query', id, sql, params, tx }))) as R[] });
    let result: T;
    try {
      result = await work({ query });
    } catch (error) {
      await this.send((id) => ({ op: 'end', id, tx, commit: false })).catch(() => undefined);
      throw error;
    }
    await this.send((id) => ({ op: 'end', id, tx, commit: true }));
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.send((id) => ({ op: 'close', id }));
    } finally {
      this.closing = true;
      await this.worker.terminate();
    }
  }

  private send(request: (id: number) => ThreadRequest): Promise<unknown[]> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    const message = request(id);
    return new Promise<unknown[]>((resolve, reject) => {
      // While a statement waits for the thread, the process waits for it too.
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(message);
    });
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }
}

/** The shipped server's engine: `@electric-sql/pglite` in a worker thread (PGLITE_THREAD=worker, the default). */
export const workerPgliteEngine: PgliteEngine = (options) => PgliteWorkerClient.start(options);

/** The error as PGlite raised it, fields and all, with this thread's stack (where the statement was sent). */
function received(sent: SentError): Error {
  return Object.assign(new Error(sent.message), sent.fields);
}

/** Resolved from this file, under Node's CommonJS and under the tests' module runner alike. */
const resolveHere = (specifier: string) => createRequire(__filename).resolve(specifier);

/** The thread's module beside this one: `.js` once compiled, `.ts` under the tests and tsx. */
function threadFile(): string {
  return join(__dirname, `pglite-thread${extname(__filename)}`);
}

/** Under the tests the thread's module is TypeScript: tsx (a dev dependency) compiles it there. */
function typeScriptLoader(): string[] {
  return extname(__filename) === '.ts' ? ['--require', resolveHere('tsx/cjs')] : [];
}
