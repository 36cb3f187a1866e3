// The only SQL of ingest. Every statement takes whole batches as arrays (unnest), so a grouped
// commit is a handful of statements whatever its size. Parameterised throughout.
import { Inject, Injectable } from '@nestjs/common';
import type { DeviceKind, UpstreamStream } from '@estate-watch/contracts';
import { DATABASE, type Database, type Queryable } from '../db/database';
import type { AcceptedMessage } from './accepted-message';
import type { Rejection, ValidMessage } from './incoming-message';

export interface BatchResult {
  /** One entry per input message: its stored form, or undefined for a duplicate. */
  stored: (AcceptedMessage | undefined)[];
}

interface MessageRow {
  seq: number;
  site_id: string;
  device_id: string;
  kind: DeviceKind;
  stream: UpstreamStream;
  msg_id: string | null;
  observed_at: Date | string | null;
  received_at: Date | string;
  payload: Record<string, unknown>;
}

const MESSAGE_COLUMNS = 'seq, site_id, device_id, kind, stream, msg_id, observed_at, received_at, payload';

@Injectable()
export class IngestRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * One transaction: dedup ids, store the new messages, update the devices they came from, count
   * rejections. Dedup and storage share the transaction, so a message is either stored and
   * marked seen, or neither (a redelivery after a crash is then processed, and only once).
   */
  async commitBatch(messages: ValidMessage[], rejections: Rejection[]): Promise<BatchResult> {
    return this.db.transaction(async (tx) => {
      const fresh = await this.claimIds(tx, messages);
      const toStore = messages.filter((_, i) => fresh[i]);
      const seqs = await this.insertMessages(tx, toStore);
      await this.touchDevices(tx, toStore);
      await this.countRejections(tx, rejections);
      let next = 0;
      const stored = messages.map((m, i) => (fresh[i] ? toAccepted(m, seqs[next++] as number) : undefined));
      return { stored };
    });
  }

  /** Highest seq the consumer has handed on; 0 before the first message. */
  async cursor(consumer: string): Promise<number> {
    const rows = await this.db.query<{ seq: number }>('SELECT seq FROM ingest_cursor WHERE consumer = $1', [consumer]);
    return rows[0]?.seq ?? 0;
  }

  async saveCursor(consumer: string, seq: number): Promise<void> {
    await this.db.query(
      `INSERT INTO ingest_cursor (consumer, seq) VALUES ($1, $2)
       ON CONFLICT (consumer) DO UPDATE SET seq = GREATEST(ingest_cursor.seq, EXCLUDED.seq)`,
      [consumer, seq],
    );
  }

  async messagesAfter(seq: number, limit: number): Promise<AcceptedMessage[]> {
    const rows = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM device_messages WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [seq, limit],
    );
    return rows.map(fromRow);
  }

  /** Dedup ids older than the window a device may buffer (CONTRACT §1: 24 h) are no longer needed. */
  async pruneMessageIds(before: Date): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      'WITH gone AS (DELETE FROM message_ids WHERE received_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
      [before.toISOString()],
    );
    return rows[0]?.n ?? 0;
  }

  /** true where the (site, device, id) was not seen before. The last will has no id and is always fresh. */
  private async claimIds(tx: Queryable, messages: ValidMessage[]): Promise<boolean[]> {
    const withId = messages.filter((m) => m.msgId !== undefined);
    const claimed = new Set<string>();
    if (withId.length > 0) {
      const rows = await tx.query<{ site_id: string; device_id: string; msg_id: string }>(
        `INSERT INTO message_ids (site_id, device_id, msg_id, received_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
         ON CONFLICT DO NOTHING
         RETURNING site_id, device_id, msg_id`,
        [withId.map((m) => m.siteId), withId.map((m) => m.deviceId), withId.map((m) => m.msgId), withId.map((m) => m.receivedAt.toISOString())],
      );
      for (const r of rows) claimed.add(idKey(r.site_id, r.device_id, r.msg_id));
    }
    return messages.map((m) => {
      if (m.msgId === undefined) return true;
      // Deleting on first use also makes a second copy inside the same batch a duplicate.
      return claimed.delete(idKey(m.siteId, m.deviceId, m.msgId));
    });
  }

  /**
   * Returns the seqs in input order. INSERT … SELECT … ORDER BY draws the bigserial in that
   * order, so sorting the returned seqs restores it.
   */
  private async insertMessages(tx: Queryable, messages: ValidMessage[]): Promise<number[]> {
    if (messages.length === 0) return [];
    const rows = await tx.query<{ seq: number }>(
      `INSERT INTO device_messages (site_id, device_id, kind, stream, msg_id, observed_at, received_at, payload)
       SELECT s, d, k, st, m, o, r, p::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[])
            WITH ORDINALITY AS u(s, d, k, st, m, o, r, p, n)
       ORDER BY n
       RETURNING seq`,
      [
        messages.map((m) => m.siteId),
        messages.map((m) => m.deviceId),
        messages.map((m) => m.kind),
        messages.map((m) => m.stream),
        messages.map((m) => m.msgId ?? null),
        messages.map((m) => m.observedAt?.toISOString() ?? null),
        messages.map((m) => m.receivedAt.toISOString()),
        messages.map((m) => JSON.stringify(m.payload)),
      ],
    );
    return rows.map((r) => r.seq).sort((a, b) => a - b);
  }

  /** last_seen_at and last_values ({status, telemetry, event, ack}: the latest payload of each stream). */
  private async touchDevices(tx: Queryable, messages: ValidMessage[]): Promise<void> {
    const byDevice = new Map<string, { siteId: string; deviceId: string; seen: Date; values: Record<string, unknown> }>();
    for (const m of messages) {
      const key = idKey(m.siteId, m.deviceId, '');
      const entry = byDevice.get(key) ?? { siteId: m.siteId, deviceId: m.deviceId, seen: m.receivedAt, values: {} };
      if (m.receivedAt > entry.seen) entry.seen = m.receivedAt;
      entry.values[m.stream] = m.payload;
      byDevice.set(key, entry);
    }
    if (byDevice.size === 0) return;
    // Sorted so that concurrent writers (several server instances) lock device rows in one order.
    const devices = [...byDevice.values()].sort(byIdentity);
    await tx.query(
      `UPDATE devices AS d
       SET last_seen_at = GREATEST(d.last_seen_at, u.seen), last_values = d.last_values || u.vals::jsonb
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) AS u(site_id, device_id, seen, vals)
       WHERE d.site_id = u.site_id AND d.id = u.device_id`,
      [devices.map((d) => d.siteId), devices.map((d) => d.deviceId), devices.map((d) => d.seen.toISOString()), devices.map((d) => JSON.stringify(d.values))],
    );
  }

  private async countRejections(tx: Queryable, rejections: Rejection[]): Promise<void> {
    if (rejections.length === 0) return;
    // ON CONFLICT may touch a row once per statement: fold the batch per device first.
    const byDevice = new Map<string, Rejection & { count: number }>();
    for (const r of rejections) {
      const key = idKey(r.siteId, r.deviceId, '');
      const prior = byDevice.get(key);
      byDevice.set(key, { ...r, count: (prior?.count ?? 0) + 1 });
    }
    const rows = [...byDevice.values()].sort(byIdentity);
    await tx.query(
      `INSERT INTO device_rejections (site_id, device_id, count, last_reason, last_topic, last_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[])
       ON CONFLICT (site_id, device_id) DO UPDATE SET
         count = device_rejections.count + EXCLUDED.count,
         last_reason = EXCLUDED.last_reason, last_topic = EXCLUDED.last_topic, last_at = EXCLUDED.last_at`,
      [
        rows.map((r) => r.siteId),
        rows.map((r) => r.deviceId),
        rows.map((r) => r.count),
        rows.map((r) => r.reason),
        rows.map((r) => r.topic),
        rows.map((r) => r.at.toISOString()),
      ],
    );
  }
}

function idKey(siteId: string, deviceId: string, msgId: string): string {
  return `${siteId}\u0000${deviceId}\u0000${msgId}`;
}

function byIdentity(a: { siteId: string; deviceId: string }, b: { siteId: string; deviceId: string }): number {
  return a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0;
}

function toAccepted(m: ValidMessage, seq: number): AcceptedMessage {
  return {
    seq,
    siteId: m.siteId,
    kind: m.kind,
    deviceId: m.deviceId,
    stream: m.stream,
    msgId: m.msgId,
    payload: m.payload,
    observedAt: m.observedAt,
    receivedAt: m.receivedAt,
    lastWill: m.lastWill,
  };
}

function fromRow(r: MessageRow): AcceptedMessage {
  return {
    seq: r.seq,
    siteId: r.site_id,
    kind: r.kind,
    deviceId: r.device_id,
    stream: r.stream,
    msgId: r.msg_id ?? undefined,
    payload: r.payload,
    observedAt: r.observed_at === null ? undefined : new Date(r.observed_at),
    receivedAt: new Date(r.received_at),
    // Only the last will is stored without an id (CONTRACT §1).
    lastWill: r.msg_id === null,
  };
}
