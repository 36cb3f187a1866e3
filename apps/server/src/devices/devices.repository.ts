import { Inject, Injectable } from '@nestjs/common';
import type { DeviceDto, DeviceKind } from '@estate-watch/contracts';
import type { AlertWrites } from '../alerts/alerts.service';
import { DATABASE, type Database, type Queryable } from '../db/database';

/** The devices handler's batches: one connection of their own (Database.session), warm for these statements. */
const BATCH_SESSION = 'handler:devices';

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
  /** device_messages.seq of the status. */
  seq: number;
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
  /** Its site's instant: a status received at or after it (applied or not) means not silent. */
  before: Date;
}

/**
 * A status of device `d` that ingest committed at or after the cutoff `$cutoff` but the devices
 * handler has not applied yet (its seq is past status_seq): the device spoke, the handler is
 * behind (10,000 devices reconnecting queue thousands of statuses). Read through
 * device_messages_device_seq.
 */
const PENDING_STATUS = (cutoff: string) => `EXISTS (
  SELECT 1 FROM device_messages m
  WHERE m.site_id = d.site_id AND m.device_id = d.id AND m.seq > d.status_seq AND m.stream = 'status' AND m.received_at >= ${cutoff})`;

const SELECT = `
  SELECT d.*, r.count AS rejected_count, r.last_reason, r.last_at AS last_rejected_at
  FROM devices d LEFT JOIN device_rejections r ON r.site_id = d.site_id AND r.device_id = d.id
  WHERE NOT d.retired`;

/** A device as stored: the DTO but its site's zone, which the service adds from the site file. */
export type StoredDevice = Omit<DeviceDto, 'timezone'>;

/** The only place with device SQL (ingest writes last_seen_at / last_values in its own grouped commit). */
@Injectable()
export class DevicesRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(siteId?: string): Promise<StoredDevice[]> {
    const rows = siteId
      ? await this.db.query<DeviceRow>(`${SELECT} AND d.site_id = $1 ORDER BY d.site_id, d.kind, d.id`, [siteId])
      : await this.db.query<DeviceRow>(`${SELECT} ORDER BY d.site_id, d.kind, d.id`);
    return rows.map(toDto);
  }

  async find(siteId: string, deviceId: string): Promise<StoredDevice | undefined> {
    const [row] = await this.db.query<DeviceRow>(`${SELECT} AND d.site_id = $1 AND d.id = $2`, [siteId, deviceId]);
    return row && toDto(row);
  }

  /** Several devices with one query (the live events at the end of a batch). */
  async findMany(keys: readonly { siteId: string; deviceId: string }[]): Promise<StoredDevice[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.query<DeviceRow>(
      `${SELECT} AND (d.site_id, d.id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [keys.map((k) => k.siteId), keys.map((k) => k.deviceId)],
    );
    return rows.map(toDto);
  }

  /**
   * Statuses in seq order, in one transaction and a fixed number of statements whatever their
   * number: lock the devices' rows (sorted as ingest sorts them, so the two never deadlock), apply
   * each status in memory against what the one before left, write each device once. A status at
   * or below the device's status_seq was applied before (a replay after a crash): `applied:
   * false`. One older (receive time) than the last one applied moves only the seq (`stale`: a
   * buffered status arrives late). A transaction holds replays only or fresh statuses only;
   * `stopAfter` closes a device after a fresh status whose alert must follow before that device's
   * next status is committed: the transaction ends before the device's next status, and goes on
   * with other devices' until then (10,000 devices reconnecting are one transaction, not 10,000).
   * Answers for a prefix of `inputs`; a device without a row (not configured) is `unknown`.
   */
  async applyStatuses(
    inputs: readonly StatusUpdate[],
    stopAfter: (u: StatusUpdate, o: StatusOutcome) => boolean = () => false,
    /** The alerts the outcomes call for, written by the same statement as the rows (one statement, not one per device). */
    alertsFor?: (outcomes: readonly StatusOutcome[]) => AlertWrites | undefined,
  ): Promise<StatusOutcome[]> {
    if (inputs.length === 0) return [];
    return this.db.session(BATCH_SESSION).transaction(async (tx) => {
      const keys = [...new Map(inputs.map((u) => [key(u.siteId, u.deviceId), [u.siteId, u.deviceId] as const])).entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, k]) => k);
      const rows = await tx.query<StatusRow>(
        `SELECT d.site_id, d.id, d.online, d.last_status_at, d.fw, d.battery, d.rssi, d.clock_skew_ms, d.status_seq
         FROM devices d JOIN unnest($1::text[], $2::text[]) AS k(site_id, id) USING (site_id, id)
         ORDER BY d.site_id COLLATE "C", d.id COLLATE "C" FOR UPDATE OF d`,
        [keys.map((k) => k[0]), keys.map((k) => k[1])],
      );
      const states = new Map(rows.map((r) => [key(r.site_id, r.id), { ...r, status_seq: Number(r.status_seq), last_status_at: r.last_status_at && new Date(r.last_status_at) }]));
      const changed = new Map<string, StatusRow>();
      const outcomes: StatusOutcome[] = [];
      const closed = new Set<string>();
      for (const u of inputs) {
        const k = key(u.siteId, u.deviceId);
        const st = states.get(k);
        const fresh = !st || u.seq > st.status_seq;
        if (closed.has(k) || (outcomes.length > 0 && fresh !== (outcomes[0]!.kind !== 'replay'))) break;
        const outcome = applyOne(u, st);
        outcomes.push(outcome);
        if (st && outcome.kind !== 'replay' && outcome.kind !== 'unknown') changed.set(k, st);
        if (stopAfter(u, outcome)) closed.add(k);
      }
      await writeStatuses(tx, [...changed.values()], alertsFor?.(outcomes));
      return outcomes;
    });
  }

  /**
   * Online devices whose last status is strictly before their site's instant (silentBefore in
   * libs/domain/src/devices: 3 heartbeats of the site, CONTRACT §4 device.offline), and that
   * have no status received since then waiting for the devices handler either.
   */
  async findSilent(cutoffs: readonly { siteId: string; before: Date }[]): Promise<SilentDevice[]> {
    if (cutoffs.length === 0) return [];
    const rows = await this.db.query<{ site_id: string; id: string; last_status_at: Date; cutoff: Date }>(
      `SELECT d.site_id, d.id, d.last_status_at, c.cutoff FROM devices d JOIN unnest($1::text[], $2::timestamptz[]) AS c(site_id, cutoff) USING (site_id)
       WHERE d.online AND NOT d.retired AND d.last_status_at < c.cutoff AND NOT ${PENDING_STATUS('c.cutoff')}`,
      [cutoffs.map((c) => c.siteId), cutoffs.map((c) => c.before.toISOString())],
    );
    return rows.map((r) => ({ siteId: r.site_id, deviceId: r.id, lastStatusAt: new Date(r.last_status_at), before: new Date(r.cutoff) }));
  }

  /** Per site, the oldest last status of its online devices (those the silence sweep watches). */
  async oldestOnlineStatus(siteIds: readonly string[]): Promise<{ siteId: string; oldest: Date }[]> {
    if (siteIds.length === 0) return [];
    const rows = await this.db.query<{ site_id: string; oldest: Date }>(
      `SELECT site_id, min(last_status_at) AS oldest FROM devices
       WHERE site_id = ANY($1::text[]) AND online AND NOT retired AND last_status_at IS NOT NULL GROUP BY site_id`,
      [siteIds],
    );
    return rows.map((r) => ({ siteId: r.site_id, oldest: new Date(r.oldest) }));
  }

  /**
   * Marks offline only if no status arrived since the sweep looked (another instance, or a late
   * message), applied or still waiting for the handler.
   */
  async markOffline(d: SilentDevice): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE devices d SET online = false
       WHERE d.site_id = $1 AND d.id = $2 AND d.online AND d.last_status_at = $3 AND NOT ${PENDING_STATUS('$4::timestamptz')} RETURNING d.id`,
      [d.siteId, d.deviceId, d.lastStatusAt, d.before.toISOString()],
    );
    return rows.length > 0;
  }
}

interface StatusRow {
  site_id: string;
  id: string;
  online: boolean;
  last_status_at: Date | null;
  fw: string | null;
  battery: number | null;
  rssi: number | null;
  clock_skew_ms: number | null;
  status_seq: number;
}

/**
 * - `replay`: applied before; `unknown`: no such device; `stale`: older than the last status, moves the seq only;
 * - `applied`: the device's state changed, with what it was before (online, clock skew).
 */
export type StatusOutcome =
  | { kind: 'replay' | 'unknown' | 'stale' }
  | { kind: 'applied'; wasOnline: boolean; previousSkewMs: number | null };

const key = (siteId: string, deviceId: string) => `${siteId}\u0000${deviceId}`;

function applyOne(u: StatusUpdate, st: StatusRow | undefined): StatusOutcome {
  if (!st) return { kind: 'unknown' };
  if (u.seq <= st.status_seq) return { kind: 'replay' };
  st.status_seq = u.seq;
  if (st.last_status_at && st.last_status_at.getTime() > u.at.getTime()) return { kind: 'stale' };
  const outcome: StatusOutcome = { kind: 'applied', wasOnline: st.online, previousSkewMs: st.clock_skew_ms };
  st.online = u.online;
  st.last_status_at = u.at;
  st.fw = u.fw ?? st.fw;
  st.battery = u.battery ?? st.battery;
  st.rssi = u.rssi ?? st.rssi;
  st.clock_skew_ms = u.clockSkewMs ?? st.clock_skew_ms;
  return outcome;
}

/** The changed rows and the alerts they call for, in one statement. */
async function writeStatuses(tx: Queryable, rows: readonly StatusRow[], alerts: AlertWrites | undefined): Promise<void> {
  if (rows.length === 0 && !alerts?.count) return;
  const params: unknown[] = [];
  const param = (value: unknown) => (params.push(value), `$${params.length}`);
  const statuses = `statuses AS (
     UPDATE devices AS d SET online = u.online, last_status_at = u.last_status_at, fw = u.fw, battery = u.battery, rssi = u.rssi,
       clock_skew_ms = u.clock_skew_ms, status_seq = u.status_seq
     FROM unnest(${param(rows.map((r) => r.site_id))}::text[], ${param(rows.map((r) => r.id))}::text[], ${param(rows.map((r) => r.online))}::boolean[],
                 ${param(rows.map((r) => r.last_status_at?.toISOString() ?? null))}::timestamptz[], ${param(rows.map((r) => r.fw))}::text[],
                 ${param(rows.map((r) => r.battery))}::real[], ${param(rows.map((r) => r.rssi))}::real[], ${param(rows.map((r) => r.clock_skew_ms))}::int[],
                 ${param(rows.map((r) => r.status_seq))}::bigint[])
          AS u(site_id, id, online, last_status_at, fw, battery, rssi, clock_skew_ms, status_seq)
     WHERE d.site_id = u.site_id AND d.id = u.id
     RETURNING 1
   )`;
  const alertSql = alerts?.sql(param) ?? { ctes: [], columns: [] };
  const [row] = await tx.query<Record<string, unknown>>(
    `WITH ${[statuses, ...alertSql.ctes].join(', ')}
     SELECT (SELECT count(*) FROM statuses) AS written${alertSql.columns.map((c) => `, ${c}`).join('')}`,
    params,
  );
  alerts?.written(row!);
}

function iso(d: Date | null): string | undefined {
  return d ? new Date(d).toISOString() : undefined;
}

function toDto(r: DeviceRow): StoredDevice {
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
