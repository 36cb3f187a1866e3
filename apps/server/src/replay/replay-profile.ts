// Where a replay's time goes (REPLAY_PROFILE=on, bench/replay-bench.ts PROFILE=on): every statement
// the server sends, counted and timed per caller (a handler's batch, a sweep, or ingest: the
// grouped commit and the cursors), the handlers' batches (how many, how large, how long) and the
// sweeps' runs. PostgreSQL here has no pg_stat_statements loaded, and PGlite has none, so the
// statements are timed at the driver: for PostgreSQL that is round trip plus the backend's work
// (a pool wait included), for PGlite the engine's work on this thread.
//
// Instrumentation by wrapping the live instances (the Database, each handler's applyBatch, the
// schedule's ticks), so the server's code is the one measured, unchanged.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Schedule } from '../common/periodic';
import type { Database, DatabaseSession, Queryable, TransactionOptions } from '../db/database';
import type { MessageHandler } from '../ingest/accepted-message';

interface Tally {
  count: number;
  ms: number;
}

export interface ProfileReport {
  /** Per caller (handler name, `sweep:name`, or `ingest`): statements and their time. */
  callers: Record<string, { statements: number; ms: number }>;
  /** The statements that took the most time: caller, the statement's opening, count, total ms. */
  statements: { caller: string; sql: string; count: number; ms: number }[];
  /** Per handler: batches, messages, wall ms in applyBatch. */
  handlers: Record<string, { batches: number; messages: number; ms: number }>;
  /** Per sweep: runs and wall ms. */
  sweeps: Record<string, { runs: number; ms: number }>;
}

const opening = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 90);

export class ReplayProfile {
  private readonly caller = new AsyncLocalStorage<string>();
  private readonly statements = new Map<string, Tally & { caller: string; sql: string }>();
  private readonly handlers = new Map<string, { batches: number; messages: number; ms: number }>();
  private readonly sweeps = new Map<string, Tally>();
  private readonly names = new Map<number, string>();

  /** Times every statement sent through `db` (and its transactions), under the caller running it. */
  watchDatabase(db: Database): void {
    const timed = <T>(sql: string, run: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      return run().finally(() => this.count(sql, performance.now() - started));
    };
    const watched = (on: DatabaseSession): DatabaseSession => {
      const query = on.query.bind(on);
      const transaction = on.transaction.bind(on);
      return {
        query: <T>(sql: string, params?: unknown[]) => timed(sql, () => query<T>(sql, params)),
        transaction: <T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions) =>
          timed('BEGIN … COMMIT (the transaction, its statements included)', () =>
            transaction((tx) => work({ query: <R>(sql: string, params?: unknown[]) => timed(sql, () => tx.query<R>(sql, params)) }), options),
          ),
      };
    };
    const session = db.session.bind(db);
    // ingest's grouped commit runs on a session of its own (Database.session); PGlite's is db itself
    Object.assign(db, {
      ...watched(db),
      session: (name: string) => {
        const own = session(name);
        return own === db ? db : watched(own);
      },
    });
  }

  /** Times each handler's batches; their statements are counted under the handler's name. */
  watchHandlers(handlers: readonly MessageHandler[]): void {
    for (const handler of handlers) {
      const apply = handler.applyBatch.bind(handler);
      const tally = { batches: 0, messages: 0, ms: 0 };
      this.handlers.set(handler.name, tally);
      handler.applyBatch = (batch) => {
        const started = performance.now();
        return this.caller.run(handler.name, () => apply(batch)).finally(() => {
          tally.batches++;
          tally.messages += batch.length;
          tally.ms += performance.now() - started;
        });
      };
    }
  }

  /** The schedule with each tick timed; `names` maps a period to the sweep's name (bootstrap's). */
  watchSchedule(schedule: Schedule, names: Record<number, string>): Schedule {
    for (const [ms, name] of Object.entries(names)) this.names.set(Number(ms), name);
    return (every, tick, due) => {
      const name = `sweep:${this.names.get(every) ?? `every ${every} ms`}`;
      const tally = this.sweeps.get(name) ?? { count: 0, ms: 0 };
      this.sweeps.set(name, tally);
      return schedule(every, () => {
        const started = performance.now();
        const run = this.caller.run(name, tick);
        if (!run) return undefined;
        return run.finally(() => {
          tally.count++;
          tally.ms += performance.now() - started;
        });
      }, due);
    };
  }

  report(top = 25): ProfileReport {
    const callers: ProfileReport['callers'] = {};
    for (const s of this.statements.values()) {
      const c = (callers[s.caller] ??= { statements: 0, ms: 0 });
      // A transaction's own line holds its statements' time: not added twice.
      if (!s.sql.startsWith('BEGIN …')) c.statements += s.count;
      if (!s.sql.startsWith('BEGIN …')) c.ms += s.ms;
    }
    const round = (x: number) => Math.round(x);
    return {
      callers: Object.fromEntries(Object.entries(callers).map(([k, v]) => [k, { statements: v.statements, ms: round(v.ms) }])),
      statements: [...this.statements.values()]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, top)
        .map((s) => ({ caller: s.caller, sql: s.sql, count: s.count, ms: round(s.ms) })),
      handlers: Object.fromEntries([...this.handlers].map(([k, v]) => [k, { ...v, ms: round(v.ms) }])),
      sweeps: Object.fromEntries([...this.sweeps].map(([k, v]) => [k, { runs: v.count, ms: round(v.ms) }])),
    };
  }

  private count(sql: string, ms: number): void {
    const caller = this.caller.getStore() ?? 'ingest';
    const key = `${caller}\u0000${opening(sql)}`;
    const s = this.statements.get(key) ?? { caller, sql: opening(sql), count: 0, ms: 0 };
    s.count++;
    s.ms += ms;
    this.statements.set(key, s);
  }
}
