// Migration 020 on a database written before it: every order whose last verify entry is the
// system's is marked verified by a device, and no other (issue 9.6; the report reads the flag from then on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS } from '../migrate';
import { PgliteDatabase } from '../pglite-database';

describe('migration 020: verified_by_device', () => {
  let db: PgliteDatabase;
  beforeAll(async () => {
    db = await PgliteDatabase.open();
    await migrate(db, MIGRATIONS.filter((m) => m.version < 20));
    const at = '2026-11-02T09:00:00+08:00';
    for (const n of ['device', 'person', 'device-note', 'none', 'device-then-callback']) {
      await db.query(
        `INSERT INTO work_orders (id, number, site_id, source, status, department, priority, title, description, accept_by, resolve_by, created_at, created_by, updated_at)
         VALUES (md5($1)::uuid, $1, 's', 'alert', 'verified', 'security', 'normal', $1, '', $2, $2, $2, 'system', $2)`,
        [n, at],
      );
    }
    // by, action of each order's entries as written before 020
    const entries: [string, string, string][] = [
      ['device', 'system', 'create'], ['device', 'system', 'verify'],
      ['person', 'system', 'create'], ['person', 'supervisor', 'verify'],
      ['device-note', 'system', 'priority'], ['device-note', 'operator', 'verify'],
      ['none', 'system', 'create'],
      ['device-then-callback', 'system', 'verify'], ['device-then-callback', 'supervisor', 'reopen'], ['device-then-callback', 'supervisor', 'verify'],
    ];
    // One after another, a second apart, in the order listed.
    for (const [k, [n, by, action]] of entries.entries()) {
      await db.query(`INSERT INTO work_order_events (work_order_id, at, by, action) VALUES (md5($1)::uuid, $2::timestamptz + make_interval(secs => $5), $3, $4)`, [n, at, by, action, k]);
    }
    await migrate(db);
  });
  afterAll(() => db?.close());

  it("marks exactly the orders whose verification that stands is the system's", async () => {
    const rows = await db.query<{ number: string; verified_by_device: boolean }>('SELECT number, verified_by_device FROM work_orders ORDER BY number');
    expect(rows).toEqual([
      { number: 'device', verified_by_device: true },
      { number: 'device-note', verified_by_device: false },
      { number: 'device-then-callback', verified_by_device: false },
      { number: 'none', verified_by_device: false },
      { number: 'person', verified_by_device: false },
    ]);
  });

  it('drops the partial index only the report read', async () => {
    expect(await db.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'work_order_events_device_verify'`)).toEqual([]);
  });
});
