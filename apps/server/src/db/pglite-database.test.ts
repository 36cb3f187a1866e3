// PgliteDatabase.turn(): PGlite's statements compute on the event loop's thread, so a chain of
// them gives the loop a turn every slice (issue 9 point 5: connections were accepted one per chain).
import { describe, expect, it } from 'vitest';
import { PgliteDatabase, type PgliteClient } from './pglite-database';

/** A PGlite stand-in whose statements take `ms` of this thread, as WASM does, and record their order. */
function busyClient(ms: number, ran: string[]): PgliteClient {
  const spin = () => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };
  return {
    closed: false,
    async query<T>(sql: string) {
      spin();
      ran.push(sql);
      return { rows: [] as T[] };
    },
    async exec(sql: string) {
      spin();
      ran.push(sql);
    },
    async transaction<T>(work: (tx: { query<R>(sql: string): Promise<{ rows: R[] }> }) => Promise<T>) {
      return work({ query: async <R>(sql: string) => (spin(), ran.push(sql), { rows: [] as R[] }) });
    },
    async close() {},
  };
}

describe('PgliteDatabase statement slices', () => {
  it.each([
    // 3 ms statements, 10 ms slice: the waiting callback runs after at most 4 of the 10.
    { statementMs: 3, sliceMs: 10, atMost: 4 },
    // a slice of 0: before every statement
    { statementMs: 1, sliceMs: 0, atMost: 1 },
  ])('a chain of $statementMs ms statements lets a ready callback run within a $sliceMs ms slice', async ({ statementMs, sliceMs, atMost }) => {
    const ran: string[] = [];
    const db = PgliteDatabase.over(busyClient(statementMs, ran), sliceMs);
    await db.query('warm-up');
    let seenAfter = -1;
    // What the poll phase would hand over next: a socket's data, a connection to accept.
    setImmediate(() => (seenAfter = ran.length - 1));
    for (let i = 0; i < 10; i++) await db.query(`s${i}`);
    expect(seenAfter).toBeGreaterThanOrEqual(0);
    expect(seenAfter).toBeLessThanOrEqual(atMost);
  });

  it('statements issued together run in the order they were issued, across a turn', async () => {
    const ran: string[] = [];
    const db = PgliteDatabase.over(busyClient(2, ran), 5);
    const issued = Array.from({ length: 12 }, (_, i) => `q${i}`);
    await Promise.all(issued.map((sql, i) => (i % 3 === 0 ? db.transaction((tx) => tx.query(sql)) : db.query(sql))));
    expect(ran).toEqual(issued);
  });

  it('a client that computes off this thread (the worker) is never made to wait for a turn', async () => {
    const ran: string[] = [];
    const db = PgliteDatabase.over({ ...busyClient(0, ran), offThread: true }, 0);
    let seenAfter = -1;
    setImmediate(() => (seenAfter = ran.length));
    for (let i = 0; i < 10; i++) await db.query(`s${i}`);
    // With a slice of 0 an in-process client yields before every statement (the table above).
    expect(seenAfter).toBe(-1);
  });
});
