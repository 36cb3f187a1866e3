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

  /** Marks this server alive; returns the servers seen within the lease time (itself included), oldest first. */
  async heartbeat(node: string, ttlMs: number): Promise<string[]> {
    await this.db.query(
      `INSERT INTO cluster_members (node, seen_at) VALUES ($1, now())
       ON CONFLICT (node) DO UPDATE SET seen_at = now()`,
      [node],
    );
    const rows = await this.db.query<{ node: string }>(
      `SELECT node FROM cluster_members WHERE seen_at > now() - $1 * interval '1 millisecond' ORDER BY started_at, node`,
      [ttlMs],
    );
    return rows.map((r) => r.node);
  }

  /** Extends the leases still ours; returns their names (a lease missing from the answer was lost). */
  async renew(node: string, names: readonly string[], ttlMs: number): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await this.db.query<{ name: string }>(
      `UPDATE cluster_leases SET expires_at = now() + $3 * interval '1 millisecond'
       WHERE holder = $1 AND name = ANY($2::text[]) AND expires_at > now() RETURNING name`,
      [node, names, ttlMs],
    );
    return rows.map((r) => r.name);
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
