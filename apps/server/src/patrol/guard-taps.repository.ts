import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '../db/database';
import type { GuardTapRow } from './guard-day';

/** The guards' phone page's one read of patrol_taps (migration 004); kept apart from PatrolRepository's write path. */
@Injectable()
export class GuardTapsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** One guard's taps at or after `since` (device time), oldest first. */
  async since(siteId: string, guardId: string, since: Date): Promise<GuardTapRow[]> {
    const rows = await this.db.query<{ deviceId: string; tappedAt: Date; roundId: string | null }>(
      `SELECT device_id AS "deviceId", tapped_at AS "tappedAt", round_id AS "roundId" FROM patrol_taps
       WHERE site_id = $1 AND guard_id = $2 AND tapped_at >= $3 ORDER BY tapped_at LIMIT 500`,
      [siteId, guardId, since],
    );
    return rows.map((r) => ({ ...r, tappedAt: new Date(r.tappedAt) }));
  }
}
