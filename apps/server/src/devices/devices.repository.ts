import { Inject, Injectable } from '@nestjs/common';
import type { DeviceDto, DeviceKind } from '@estate-watch/contracts';
import { DATABASE, type Database } from '../db/database';

interface DeviceRow {
  site_id: string;
  id: string;
  kind: DeviceKind;
  name: string;
  online: boolean;
  last_seen_at: Date | null;
  last_status_at: Date | null;
  last_values: Record<string, unknown>;
  fw: string | null;
  battery: number | null;
  rssi: number | null;
  clock_skew_ms: number | null;
  rejected_count: number | null;
  last_reason: string | null;
  last_rejected_at: Date | null;
}

export interface StatusUpdate {
  siteId: string;
  deviceId: string;
  online: boolean;
  at: Date;
  fw?: string;
  battery?: number;
  rssi?: number;
  clockSkewMs?: number;
}

export interface SilentDevice {
  siteId: string;
  deviceId: string;
  lastStatusAt: Date;
}

const SELECT = `
  SELECT d.*, r.count AS rejected_count, r.last_reason, r.last_at AS last_rejected_at
  FROM devices d LEFT JOIN device_rejections r ON r.site_id = d.site_id AND r.device_id = d.id
  WHERE NOT d.retired`;

/** The only place with device SQL (ingest writes last_seen_at / last_values in its own grouped commit). */
@Injectable()
export class DevicesRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(siteId?: string): Promise<DeviceDto[]> {
    const rows = siteId
      ? await this.db.query<DeviceRow>(`${SELECT} AND d.site_id = $1 ORDER BY d.site_id, d.kind, d.id`, [siteId])
      : await this.db.query<DeviceRow>(`${SELECT} ORDER BY d.site_id, d.kind, d.id`);
    return rows.map(toDto);
  }

  async find(siteId: string, deviceId: string): Promise<DeviceDto | undefined> {
    const [row] = await this.db.query<DeviceRow>(`${SELECT} AND d.site_id = $1 AND d.id = $2`, [siteId, deviceId]);
    return row && toDto(row);
  }

  /**
   * Applies a status unless a newer one was already applied (buffered statuses arrive late).
   * Returns whether the device was online before, or undefined when the update was stale.
   */
  async applyStatus(u: StatusUpdate): Promise<{ wasOnline: boolean } | undefined> {
    const [row] = await this.db.query<{ was_online: boolean }>(
      `UPDATE devices d SET online = $3, last_status_at = $4,
         fw = COALESCE($5, d.fw), battery = COALESCE($6, d.battery), rssi = COALESCE($7, d.rssi),
         clock_skew_ms = COALESCE($8, d.clock_skew_ms)
       FROM (SELECT online AS was_online FROM devices WHERE site_id = $1 AND id = $2) prev
       WHERE d.site_id = $1 AND d.id = $2 AND (d.last_status_at IS NULL OR d.last_status_at <= $4)
       RETURNING prev.was_online`,
      [u.siteId, u.deviceId, u.online, u.at, u.fw ?? null, u.battery ?? null, u.rssi ?? null, u.clockSkewMs ?? null],
    );
    return row ? { wasOnline: row.was_online } : undefined;
  }

  /** Online devices whose last status is older than 3 heartbeats of their site (CONTRACT §4, device.offline). */
  async findSilent(now: Date, heartbeats: number, watchingSince: Date | null): Promise<SilentDevice[]> {
    const rows = await this.db.query<{ site_id: string; id: string; last_status_at: Date }>(
      `SELECT d.site_id, d.id, d.last_status_at FROM devices d JOIN sites s ON s.id = d.site_id
       WHERE d.online AND NOT d.retired
         AND GREATEST(d.last_status_at, $3::timestamptz) < $1::timestamptz - make_interval(secs => s.heartbeat_sec * $2)`,
      [now, heartbeats, watchingSince],
    );
    return rows.map((r) => ({ siteId: r.site_id, deviceId: r.id, lastStatusAt: new Date(r.last_status_at) }));
  }

  /** Marks offline only if no status arrived since the sweep looked (another instance, or a late message). */
  async markOffline(d: SilentDevice): Promise<boolean> {
    const rows = await this.db.query(
      'UPDATE devices SET online = false WHERE site_id = $1 AND id = $2 AND online AND last_status_at = $3 RETURNING id',
      [d.siteId, d.deviceId, d.lastStatusAt],
    );
    return rows.length > 0;
  }
}

function iso(d: Date | null): string | undefined {
  return d ? new Date(d).toISOString() : undefined;
}

function toDto(r: DeviceRow): DeviceDto {
  return {
    siteId: r.site_id,
    id: r.id,
    kind: r.kind,
    name: r.name,
    online: r.online,
    lastSeenAt: iso(r.last_seen_at),
    lastValues: r.last_values ?? {},
    fw: r.fw ?? undefined,
    battery: r.battery ?? undefined,
    rssi: r.rssi ?? undefined,
    clockSkewMs: r.clock_skew_ms ?? undefined,
    rejectedCount: r.rejected_count ?? 0,
    lastRejectReason: r.last_reason ?? undefined,
    lastRejectedAt: iso(r.last_rejected_at),
  };
}
