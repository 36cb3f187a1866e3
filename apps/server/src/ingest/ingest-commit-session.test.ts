// The grouped commit runs on a connection of its own (Database.session), not on the shared pool:
// on PostgreSQL a backend new to that statement spends about a third more CPU on it (bench/README.md,
// 2026-12-05 "A connection of its own").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { sessionsOnly } from '../db/database.testing';
import { openDatabase } from '../db/open-database';
import type { ValidMessage } from './incoming-message';
import { IngestRepository } from './ingest.repository';

describe('IngestRepository.commitBatch', () => {
  let db: Database;
  /** db, but its shared pool refuses: only a named session may be used. */
  let onlySessions: Database;
  const sessions: string[] = [];
  beforeAll(async () => {
    db = await openDatabase({});
    await db.query(`INSERT INTO sites (id, name, timezone, heartbeat_sec, config, updated_at) VALUES ('x', 'X', 'UTC', 60, '{}', now())`);
    await db.query(`INSERT INTO devices (site_id, id, kind, name) VALUES ('x', 'd-1', 'dispenser', 'd-1')`);
    onlySessions = sessionsOnly(db, sessions);
  });
  afterAll(() => db.close());

  const message = (i: number): ValidMessage => {
    const at = new Date('2026-12-05T08:00:00Z');
    return { siteId: 'x', deviceId: 'd-1', kind: 'dispenser', stream: 'telemetry', msgId: `m${i}`, payload: { id: `m${i}`, ts: at.toISOString(), level: 40 }, observedAt: at, receivedAt: at, lastWill: false };
  };

  it.each([
    { batch: 'without rejections (one statement)', rejections: [] },
    { batch: 'with a rejection (a transaction)', rejections: [{ siteId: 'x', deviceId: 'd-1', reason: 'schema', topic: 'estate/x/dispenser/d-1/telemetry', at: new Date() }] },
  ])('commits a batch $batch on its own session, one name for all commits', async ({ rejections }) => {
    const repo = new IngestRepository(onlySessions);
    const first = sessions.length;
    const { stored } = await repo.commitBatch([message(first * 10 + 1), message(first * 10 + 2)], rejections);
    expect(stored.every((m) => m !== undefined)).toBe(true);
    expect(new Set(sessions)).toEqual(new Set(['ingest-commit']));
  });
});
