// The only SQL of the cluster: leases and members, on the database's clock (now()), so the
// servers' own clocks never decide who holds what. Parameterised throughout.
import type { Queryable } from '../db/database';

export interface LeaseRow {
  name: string;
  holder: string;
  epoch: number;
}

export class LeaseRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * One round's renewal in one statement (was four: heartbeat's two, renew, live): marks this
   * server alive, extends the leases still ours, and answers with the live servers (itself
   * included, oldest first), the leases kept, and every lease held (not expired) by anyone as it
   * stood before this statement (ours among them: renewed only while unexpired).
   */
  async round(node: string, names: readonly string[], ttlMs: number): Promise<{ members: string[]; kept: string[]; live: LeaseRow[] }> {
    const [row] = await this.db.query<{ members: string[] | null; kept: string[] | null; live: LeaseRow[] | null }>(
      `WITH me AS (
         INSERT INTO cluster_members (node, seen_at) VALUES ($1, now())
         ON CONFLICT (node) DO UPDATE SET seen_at = now()
         RETURNING node, started_at
       ),
       kept AS (
         UPDATE cluster_leases SET expires_at = now() + $3 * interval '1 millisecond'
         WHERE holder = $1 AND name = ANY($2::text[]) AND expires_at > now() RETURNING name
       )
       SELECT
         -- the statement's snapshot predates its own upsert: this server comes from \`me\`
         ARRAY(SELECT node FROM (
                 SELECT node, started_at FROM cluster_members WHERE seen_at > now() - $3 * interval '1 millisecond' AND node <> $1
                 UNION ALL SELECT node, started_at FROM me
               ) m ORDER BY started_at, node) AS members,
         ARRAY(SELECT name FROM kept) AS kept,
         (SELECT json_agg(json_build_object('name', name, 'holder', holder, 'epoch', epoch)) FROM cluster_leases WHERE expires_at > now()) AS live`,
      [node, names, ttlMs],
    );
    return { members: row?.members ?? [], kept: row?.kept ?? [], live: (row?.live ?? []).map((l) => ({ ...l, epoch: Number(l.epoch) })) };
  }

  /** Leases held (not expired) by anyone. */
  async live(): Promise<LeaseRow[]> {
    return this.db.query<LeaseRow>('SELECT name, holder, epoch FROM cluster_leases WHERE expires_at > now()');
  }

  /** Takes a lease that is free, expired or already ours; returns its epoch, or undefined when another server holds it. */
  async acquire(node: string, name: string, ttlMs: number): Promise<number | undefined> {
    const [row] = await this.db.query<{ epoch: number }>(
      `INSERT INTO cluster_leases (name, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
         epoch = cluster_leases.epoch + CASE WHEN cluster_leases.holder = EXCLUDED.holder THEN 0 ELSE 1 END,
         acquired_at = CASE WHEN cluster_leases.holder = EXCLUDED.holder THEN cluster_leases.acquired_at ELSE now() END
       WHERE cluster_leases.expires_at <= now() OR cluster_leases.holder = EXCLUDED.holder
       RETURNING epoch`,
      [name, node, ttlMs],
    );
    return row ? Number(row.epoch) : undefined;
  }

  /** Lets go at once (after the work stopped here), so the next server need not wait for expiry. */
  async release(node: string, names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db.query(`UPDATE cluster_leases SET expires_at = now() WHERE holder = $1 AND name = ANY($2::text[])`, [node, names]);
  }

  async leave(node: string): Promise<void> {
    await this.db.query('DELETE FROM cluster_members WHERE node = $1', [node]);
  }
}
