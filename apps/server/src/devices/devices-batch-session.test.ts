// The devices handler's batches run on a connection of their own (Database.session), warm for
// their statements on PostgreSQL, not on the shared pool (bench/README.md, 2026-12-05 fifth pass).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { sessionsOnly } from '../db/database.testing';
import { openDatabase } from '../db/open-database';
import { DevicesRepository } from './devices.repository';

describe('DevicesRepository.applyStatuses', () => {
  let db: Database;
  const sessions: string[] = [];
  /** db, but its shared pool refuses: only a named session may be used. */
  let onlySessions: Database;
  beforeAll(async () => {
    db = await openDatabase({});
    await db.query(`INSERT INTO sites (id, name, timezone, heartbeat_sec, config, updated_at) VALUES ('x', 'X', 'UTC', 60, '{}', now())`);
    await db.query(`INSERT INTO devices (site_id, id, kind, name) VALUES ('x', 's-1', 'sensor', 's-1')`);
    onlySessions = sessionsOnly(db, sessions);
  });
  afterAll(() => db.close());

  it('applies a batch of statuses in a transaction on the handler\'s own session', async () => {
    const at = new Date('2026-12-05T08:00:00Z');
    const outcomes = await new DevicesRepository(onlySessions).applyStatuses([{ siteId: 'x', seq: 1, deviceId: 's-1', online: true, at, fw: 'r2' }]);
    expect(outcomes).toHaveLength(1);
    expect(sessions).toEqual(['handler:devices']);
    const [row] = await db.query<{ online: boolean; fw: string }>(`SELECT online, fw FROM devices WHERE id = 's-1'`);
    expect(row).toEqual({ online: true, fw: 'r2' });
  });
});
