// A cluster round's renewal is one statement (an idle server's fixed cost, issue 11): what it
// answers must be what heartbeat, renew and live answered as four.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Queryable } from '../db/database';
import { openTestDatabase, type TestDatabase } from '../db/database.testing';
import { LeaseRepository } from './lease.repository';

const TTL = 8_000;

describe('LeaseRepository.round', () => {
  let t: TestDatabase;
  let statements: number;
  let repo: LeaseRepository;

  beforeAll(async () => {
    t = await openTestDatabase('pglite');
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    await t.db.query('DELETE FROM cluster_leases');
    await t.db.query('DELETE FROM cluster_members');
    statements = 0;
    const counted: Queryable = { query: (text, params) => (statements++, t.db.query(text, params)) };
    repo = new LeaseRepository(counted);
  });

  const lease = (name: string, holder: string, expiresInMs: number) =>
    t.db.query(`INSERT INTO cluster_leases (name, holder, expires_at, epoch) VALUES ($1, $2, now() + $3 * interval '1 millisecond', 3)`, [name, holder, expiresInMs]);
  const member = (node: string, startedSecAgo: number, seenSecAgo: number) =>
    t.db.query(`INSERT INTO cluster_members (node, started_at, seen_at) VALUES ($1, now() - $2 * interval '1 second', now() - $3 * interval '1 second')`, [node, startedSecAgo, seenSecAgo]);

  it('marks the server alive, keeps its unexpired leases and lists members and live leases, in one statement', async () => {
    await member('old', 60, 1);
    await member('gone', 90, 30); // not seen for longer than the lease
    await member('me', 30, 20); // this server, its last heartbeat too old to count before this one
    await lease('mqtt:0', 'me', 4_000);
    await lease('mqtt:1', 'me', -1_000); // expired: lost
    await lease('mqtt:2', 'old', 4_000);
    await lease('mqtt:3', 'gone', -1_000);

    const round = await repo.round('me', ['mqtt:0', 'mqtt:1'], TTL);

    expect(statements).toBe(1);
    expect(round.members).toEqual(['old', 'me']); // oldest first, this server included
    expect(round.kept).toEqual(['mqtt:0']);
    expect(round.live.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'mqtt:0', holder: 'me', epoch: 3 },
      { name: 'mqtt:2', holder: 'old', epoch: 3 },
    ]);
    const [row] = await t.db.query<{ left: number }>(`SELECT extract(epoch FROM expires_at - now()) * 1000 AS left FROM cluster_leases WHERE name = 'mqtt:0'`);
    expect(Number(row!.left)).toBeGreaterThan(TTL - 1_000); // renewed for the whole lease
  });

  it('a server new to the table is a member at once; holding nothing, it keeps nothing', async () => {
    const round = await repo.round('fresh', [], TTL);
    expect(round).toEqual({ members: ['fresh'], kept: [], live: [] });
    expect((await repo.round('fresh', [], TTL)).members).toEqual(['fresh']);
  });
});
