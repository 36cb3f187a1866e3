// The taps a batch may have recorded before are looked up by their keys, never by reading every
// tap of the site. As a join, a burst that grew patrol_taps faster than its statistics got a hash
// join over all the site's taps in every batch: 45 ms a batch at 160,000 taps in the ingest bench,
// half the patrol pipeline's time. Here the planner is told to prefer any join to a nested loop
// (as stale statistics made it), and the lookup must stay per key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../db/database';
import { openTestDatabase, type TestDatabase } from '../db/database.testing';
import { SitesService } from '../sites/sites.service';
import { local, site } from './patrol.testing';
import { PatrolRepository, tapKey } from './patrol.repository';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** `db` whose named sessions' transactions EXPLAIN the statement that reads patrol_taps, with nested loops discouraged. */
function explaining(db: Database, plans: PlanNode[]): Database {
  const explain = (tx: Queryable): Queryable => ({
    query: async <T>(sql: string, params: unknown[] = []) => {
      if (/^\s*WITH locked\b/.test(sql) && sql.includes('patrol_taps')) {
        await tx.query('SET LOCAL enable_nestloop = off');
        const [row] = await tx.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
        await tx.query('SET LOCAL enable_nestloop = on');
        plans.push((row as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]!.Plan);
      }
      return tx.query<T>(sql, params);
    },
  });
  return Object.assign(Object.create(db) as Database, {
    session: (name: string) => {
      const s = db.session(name);
      return { ...s, query: s.query.bind(s), transaction: <T>(work: (tx: Queryable) => Promise<T>, options?: Parameters<typeof s.transaction>[1]) => s.transaction((tx) => work(explain(tx)), options) };
    },
  });
}

describe('PatrolRepository.applyTaps: the taps recorded before (PostgreSQL)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase('postgres');
  });
  afterAll(async () => t?.drop());

  it('are read by their keys, whatever join the planner would prefer', async () => {
    await t.db.query(
      `INSERT INTO patrol_taps (site_id, device_id, msg_id, seq, card, guard_id, tapped_at, received_at, round_id)
       SELECT 'testsite', 'cp-1', 'old-' || i, i, 'C', NULL, now(), now(), NULL FROM generate_series(1, 5000) i`,
    );
    await t.db.query('ANALYZE patrol_taps');
    const plans: PlanNode[] = [];
    const cfg = site();
    const repo = new PatrolRepository(explaining(t.db, plans), new SitesService([cfg], t.db));
    const keys = [
      { deviceId: 'cp-1', msgId: 'old-7' },
      { deviceId: 'cp-1', msgId: 'new-1' },
      { deviceId: 'cp-2', msgId: 'old-8' },
    ];
    const judged = await repo.applyTaps('testsite', ['2026-11-27'], keys, (_rounds, seen) => ({ taps: [], rounds: [], seen }), local('09:00'));

    expect([...judged.seen.keys()]).toEqual([tapKey('cp-1', 'old-7')]);
    expect(plans).toHaveLength(1);
    const reads = nodesOf(plans[0]!).filter((n) => n['Relation Name'] === 'patrol_taps');
    expect(reads.map((n) => n['Node Type'])).toEqual([expect.stringMatching(/^Index (Only )?Scan$/)]);
    expect(reads[0]?.['Index Cond']).toContain('msg_id');
  });
});
