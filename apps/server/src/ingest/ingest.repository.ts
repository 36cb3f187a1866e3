// The only SQL of ingest. Every statement takes whole batches as arrays (unnest), so a grouped
// commit is a handful of statements whatever its size. Parameterised throughout.
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DeviceKind, UpstreamStream } from '@estate-watch/contracts';
import { CLUSTER_MODE, type ClusterMode } from '../config/service-options';
import { isoTime } from '../common/iso-time';
import { DATABASE, type Database, type DatabaseSession, type Queryable } from '../db/database';
import { telemetryValues } from '../telemetry/telemetry-points';
import type { AcceptedMessage, MessageSelector } from './accepted-message';
import type { Rejection, ValidMessage } from './incoming-message';

export interface HandlerCursor {
  /** Every message of the handler's kinds with seq ≤ this one is handled. */
  seq: number;
  /** How many there were. */
  applied: number;
}

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
  /** Epoch milliseconds (MESSAGE_COLUMNS). */
  observed_at: number | null;
  received_at: number;
  payload: Record<string, unknown>;
}

/**
 * A stored message as read back. Its times come as whole epoch milliseconds (what a Date holds):
 * as text, `pg` parsed each with a regular expression, 2 per row, an eighth of the busy time of
 * the server that read back the others' 30,000 taps in the ingest bench.
 */
const MESSAGE_COLUMNS = `seq, site_id, device_id, kind, stream, msg_id,
  floor(extract(epoch FROM observed_at) * 1000)::int8 AS observed_at, floor(extract(epoch FROM received_at) * 1000)::int8 AS received_at, payload`;

/** pg_advisory_xact_lock key that orders the commits of several servers (cluster/README.md). */
export const COMMIT_ORDER_LOCK = 7_253_011;

@Injectable()
export class IngestRepository {
  /**
   * Several servers (cluster/): each commit draws its seqs and commits under one advisory lock,
   * so seq order is commit order across servers and a reader of seq > cursor never passes over
   * a row that becomes visible later.
   */
  private readonly serializeCommits: boolean;
  /**
   * The grouped commits' connection (GroupCommit sends one at a time). From the shared pool they
   * landed on whichever of its up to 20 connections was free, and a backend new to that
   * statement spent ~60 ms of CPU on it against ~47 ms warm (PostgreSQL's catalog caches for its
   * four tables and their indexes, 2,000 messages): in the path bench's mix, 9 of 17 commits.
   */
  private readonly commits: DatabaseSession;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Optional() @Inject(CLUSTER_MODE) cluster: ClusterMode | null = null,
  ) {
    this.serializeCommits = cluster?.enabled ?? false;
    this.commits = db.session('ingest-commit');
  }

  /**
   * One transaction: dedup ids, store the new messages, update the devices they came from, count
   * rejections. Dedup and storage share the transaction, so a message is either stored and
   * marked seen, or neither (a redelivery after a crash is then processed, and only once).
   */
  async commitBatch(messages: ValidMessage[], rejections: Rejection[]): Promise<BatchResult> {
    // A second copy inside one batch is a duplicate of the first; SQL then sees each key once.
    const firstCopy = firstOfEachId(messages);
    const candidates = messages.filter((_, i) => firstCopy[i]);
    const answer = (stored: (AcceptedMessage | undefined)[]): BatchResult => {
      let next = 0;
      return { stored: messages.map((_, i) => (firstCopy[i] ? stored[next++] : undefined)) };
    };
    // The usual batch is one statement, and a statement is a transaction of its own: no BEGIN and
    // COMMIT round trips on the path of every message (an alarm's included).
    if (rejections.length === 0 && !this.serializeCommits) return answer(await this.storeFresh(this.commits, candidates));
    return this.commits.transaction(async (tx) => {
      if (this.serializeCommits) await tx.query('SELECT pg_advisory_xact_lock($1)', [COMMIT_ORDER_LOCK]);
      const stored = await this.storeFresh(tx, candidates);
      await this.countRejections(tx, rejections);
      return answer(stored);
    });
  }

  /**
   * Where a handler's pipeline resumes. A handler new to this database starts where the single
   * cursor of schema v6 (`legacy`) stood, so an upgrade does not replay the whole history.
   */
  async handlerCursor(name: string, legacy = 'domain'): Promise<HandlerCursor> {
    const rows = await this.db.query<{ consumer: string; seq: number; applied: number }>(
      'SELECT consumer, seq, applied FROM ingest_cursor WHERE consumer = $1 OR consumer = $2',
      [name, legacy],
    );
    const own = rows.find((r) => r.consumer === name) ?? rows.find((r) => r.consumer === legacy);
    return { seq: Number(own?.seq ?? 0), applied: own?.consumer === name ? Number(own.applied) : 0 };
  }

  async saveHandlerCursor(name: string, cursor: HandlerCursor): Promise<void> {
    await this.db.query(
      `INSERT INTO ingest_cursor (consumer, seq, applied) VALUES ($1, $2, $3)
       ON CONFLICT (consumer) DO UPDATE SET seq = EXCLUDED.seq, applied = EXCLUDED.applied
       WHERE ingest_cursor.seq <= EXCLUDED.seq`,
      [name, cursor.seq, cursor.applied],
    );
  }

  /** The highest seq stored (with serialized commits every lower one is committed too). */
  async headSeq(): Promise<number> {
    const [row] = await this.db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM device_messages');
    return Number(row?.seq ?? 0);
  }

  /**
   * One catch-up page: the highest seq stored and the messages after seq that the selector takes,
   * in seq order, from one snapshot. A page shorter than limit then holds every message of those
   * kinds up to head (with ordered commits every lower seq is committed too), so the reader may
   * move its cursor to head; and one round trip instead of two per page.
   */
  async pageAfter(seq: number, limit: number, selector: MessageSelector = {}): Promise<{ messages: AcceptedMessage[]; head: number }> {
    const rows = await this.db.query<Partial<MessageRow> & { head: number | null }>(
      `SELECT h.head, m.* FROM (SELECT max(seq) AS head FROM device_messages) h
       LEFT JOIN LATERAL (
         SELECT ${MESSAGE_COLUMNS} FROM device_messages
         WHERE seq > $1 AND ($3::text[] IS NULL OR kind = ANY($3)) AND ($4::text[] IS NULL OR stream = ANY($4))
         ORDER BY seq LIMIT $2
       ) m ON true`,
      [seq, limit, selector.kinds ?? null, selector.streams ?? null],
    );
    return {
      head: Number(rows[0]?.head ?? 0),
      messages: rows.filter((r): r is MessageRow & { head: number } => r.seq !== null && r.seq !== undefined).map(fromRow),
    };
  }

  /**
   * A cluster server's one read of the others' commits (cluster-reader.ts): like pageAfter, but
   * only the `kind/stream` pairs named (null: all) and none of the seq ranges given (this
   * server's own commits, which it holds in memory).
   */
  async pageAfterExcept(seq: number, limit: number, pairs: readonly string[] | null, except: readonly (readonly [number, number])[]): Promise<{ messages: AcceptedMessage[]; head: number }> {
    const rows = await this.db.query<Partial<MessageRow> & { head: number | null }>(
      `SELECT h.head, m.* FROM (SELECT max(seq) AS head FROM device_messages) h
       LEFT JOIN LATERAL (
         SELECT ${MESSAGE_COLUMNS} FROM device_messages
         WHERE seq > $1 AND ($3::text[] IS NULL OR kind || '/' || stream = ANY($3)) AND NOT (seq <@ ANY($4::int8range[]))
         ORDER BY seq LIMIT $2
       ) m ON true`,
      [seq, limit, pairs, except.map(([lo, hi]) => `[${lo},${hi}]`)],
    );
    return {
      head: Number(rows[0]?.head ?? 0),
      messages: rows.filter((r): r is MessageRow & { head: number } => r.seq !== null && r.seq !== undefined).map(fromRow),
    };
  }

  /** Stored messages after seq that the selector takes, in seq order. */
  async messagesAfter(seq: number, limit: number, selector: MessageSelector = {}): Promise<AcceptedMessage[]> {
    const rows = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM device_messages
       WHERE seq > $1 AND ($3::text[] IS NULL OR kind = ANY($3)) AND ($4::text[] IS NULL OR stream = ANY($4))
       ORDER BY seq LIMIT $2`,
      [seq, limit, selector.kinds ?? null, selector.streams ?? null],
    );
    return rows.map(fromRow);
  }

  /** One device's stored messages in (after, upTo], for the urgent lane. */
  async deviceMessagesBetween(siteId: string, deviceId: string, after: number, upTo: number, selector: MessageSelector = {}): Promise<AcceptedMessage[]> {
    const rows = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM device_messages
       WHERE site_id = $1 AND device_id = $2 AND seq > $3 AND seq <= $4
         AND ($5::text[] IS NULL OR kind = ANY($5)) AND ($6::text[] IS NULL OR stream = ANY($6))
       ORDER BY seq`,
      [siteId, deviceId, after, upTo, selector.kinds ?? null, selector.streams ?? null],
    );
    return rows.map(fromRow);
  }

  /** Stored messages the selector takes with seq in (after, upTo]: what a handler still has to apply. */
  async countBetween(after: number, upTo: number | null, selector: MessageSelector = {}): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM device_messages
       WHERE seq > $1 AND ($2::bigint IS NULL OR seq <= $2)
         AND ($3::text[] IS NULL OR kind = ANY($3)) AND ($4::text[] IS NULL OR stream = ANY($4))`,
      [after, upTo, selector.kinds ?? null, selector.streams ?? null],
    );
    return Number(row?.n ?? 0);
  }

  /**
   * countBetween(after, null, selector) for several handlers at once: one statement and one scan
   * of what follows the lowest cursor, instead of one per handler (the health endpoint asked seven
   * in parallel on every call while the handlers were busy, under the dashboards' polls).
   */
  async countAfterEach(queries: readonly { after: number; selector?: MessageSelector }[]): Promise<number[]> {
    if (queries.length === 0) return [];
    const params: unknown[] = [Math.min(...queries.map((q) => q.after))];
    const counts = queries.map((q) => {
      const at = params.push(q.after, q.selector?.kinds ?? null, q.selector?.streams ?? null);
      return `count(*) FILTER (WHERE seq > $${at - 2} AND ($${at - 1}::text[] IS NULL OR kind = ANY($${at - 1})) AND ($${at}::text[] IS NULL OR stream = ANY($${at})))::int`;
    });
    const [row] = await this.db.query<{ n: number[] }>(`SELECT ARRAY[${counts.join(', ')}] AS n FROM device_messages WHERE seq > $1`, params);
    return (row?.n ?? []).map(Number);
  }

  async recordHandlerFailure(handler: string, m: AcceptedMessage, error: string, attempts: number): Promise<void> {
    await this.db.query(
      `INSERT INTO handler_failures (handler, seq, site_id, device_id, stream, error, attempts) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (handler, seq) DO UPDATE SET error = EXCLUDED.error, attempts = handler_failures.attempts + EXCLUDED.attempts, failed_at = now()`,
      [handler, m.seq, m.siteId, m.deviceId, m.stream, error.slice(0, 2000), attempts],
    );
  }

  async countHandlerFailures(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ handler: string; n: number }>('SELECT handler, count(*)::int AS n FROM handler_failures GROUP BY handler');
    return Object.fromEntries(rows.map((r) => [r.handler, Number(r.n)]));
  }

  /** Dedup ids older than the window a device may buffer (CONTRACT §1: 24 h) are no longer needed. */
  async pruneMessageIds(before: Date): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      'WITH gone AS (DELETE FROM message_ids WHERE received_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
      [before.toISOString()],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * One statement for the whole batch, so PGlite and PostgreSQL parse and plan it once:
   * claim the ids (message_ids, ON CONFLICT DO NOTHING), store the rows whose claim succeeded
   * (and every last will, which has no id), and fold them into devices.last_seen_at and
   * last_values ({status, telemetry, event, ack}: the latest payload of each stream; jsonb
   * `||` replaces a stream's value). Duplicates never touch last_values, so a redelivered old
   * reading cannot overwrite a newer one. Telemetry messages also become one `telemetry` row per
   * metric (telemetry/telemetry-points.ts), from the same claimed rows, so a redelivery adds none.
   * Answers with two arrays instead of one row per
   * message: the input ordinals stored and their seqs. INSERT … SELECT … ORDER BY draws the
   * bigserial in ordinal order, so the k-th smallest seq belongs to the k-th smallest ordinal.
   */
  private async storeFresh(tx: Queryable, messages: ValidMessage[]): Promise<(AcceptedMessage | undefined)[]> {
    if (messages.length === 0) return [];
    const columns = batchColumns(messages);
    const [row] = await tx.query<{ ns: number[] | null; seqs: number[] | null }>(
      `WITH input AS MATERIALIZED (
         -- the payloads as one JSON array: no per-element quoting and escaping in a text[] (each payload is full of quotes)
         SELECT s, d, k, st, m, o, r, p, n
         FROM ROWS FROM (unnest($1::text[]), unnest($2::text[]), unnest($3::text[]), unnest($4::text[]), unnest($5::text[]),
                         unnest($6::timestamptz[]), unnest($7::timestamptz[]), jsonb_array_elements($8::jsonb))
              WITH ORDINALITY AS u(s, d, k, st, m, o, r, p, n)
       ),
       claimed AS (
         INSERT INTO message_ids (site_id, device_id, msg_id, received_at)
         SELECT s, d, m, r FROM input WHERE m IS NOT NULL
         ON CONFLICT DO NOTHING
         RETURNING site_id, device_id, msg_id
       ),
       fresh AS MATERIALIZED (
         -- a hashed lookup: no sort of text keys (costly under a collation, more so in WASM)
         SELECT * FROM input
         WHERE m IS NULL OR (s, d, m) IN (SELECT site_id, device_id, msg_id FROM claimed)
       ),
       stored AS (
         INSERT INTO device_messages (site_id, device_id, kind, stream, msg_id, observed_at, received_at, payload)
         SELECT s, d, k, st, m, o, r, p FROM fresh ORDER BY n
         RETURNING seq
       ),
       telemetry_rows AS (
         -- values computed per input ordinal; kept only for the fresh messages (dedup above)
         INSERT INTO telemetry (time, site_id, device_id, metric, value)
         SELECT f.o, f.s, f.d, v.metric, v.value
         FROM unnest($9::int[], $10::text[], $11::float8[]) AS v(n, metric, value)
         JOIN fresh f ON f.n = v.n
       ),
       per_device AS (
         -- byte order ("C"): the same grouping, without collation-aware comparisons
         SELECT s COLLATE "C" AS s, d COLLATE "C" AS d, max(r) AS seen, jsonb_object_agg(st, p ORDER BY n) AS vals
         FROM fresh GROUP BY 1, 2
         -- sorted, so that concurrent writers tend to lock device rows in one order
         ORDER BY 1, 2
       ),
       locked AS MATERIALIZED (
         -- the rows locked in byte order before the UPDATE touches them: the UPDATE's own join
         -- (a hash join over thousands of devices) would lock them in the table's order, and the
         -- devices handler, which locks the same rows sorted, then deadlocks with it.
         -- Compared in the columns' own collation: under "C" the primary key cannot serve the
         -- join, and every commit read all the devices (10,000 devices: 26 ms for one status on
         -- PGlite, issue 9.5). Equality is the same bytes in both.
         SELECT dev.site_id, dev.id FROM devices dev JOIN per_device pd ON dev.site_id = pd.s COLLATE "default" AND dev.id = pd.d COLLATE "default"
         ORDER BY dev.site_id COLLATE "C", dev.id COLLATE "C"
         FOR UPDATE OF dev
       ),
       touched AS (
         UPDATE devices AS dev
         SET last_seen_at = GREATEST(dev.last_seen_at, pd.seen), last_values = dev.last_values || pd.vals
         FROM per_device pd, locked l
         WHERE dev.site_id = pd.s COLLATE "default" AND dev.id = pd.d COLLATE "default" AND l.site_id = dev.site_id AND l.id = dev.id
         RETURNING 1
       )
       SELECT (SELECT array_agg(n::int ORDER BY n) FROM fresh) AS ns,
              (SELECT array_agg(seq ORDER BY seq) FROM stored) AS seqs,
              (SELECT count(*) FROM touched) AS touched`,
      columns,
    );
    const ns = row?.ns ?? [];
    const seqs = (row?.seqs ?? []).map(Number);
    const stored: (AcceptedMessage | undefined)[] = new Array(messages.length).fill(undefined);
    ns.forEach((n, k) => {
      stored[Number(n) - 1] = toAccepted(messages[Number(n) - 1] as ValidMessage, seqs[k] as number);
    });
    return stored;
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

/**
 * The statement's eleven parameters in one pass over the batch: the messages' seven columns and
 * their payloads as one JSON array, then the telemetry rows as three parallel arrays (n is the
 * message's 1-based ordinal).
 */
function batchColumns(messages: readonly ValidMessage[]): unknown[] {
  const count = messages.length;
  const [site, device, kind, stream, msgId, observed, received] = Array.from({ length: 7 }, () => new Array<string | null>(count));
  const n: number[] = [];
  const metric: string[] = [];
  const value: number[] = [];
  for (let i = 0; i < count; i++) {
    const m = messages[i] as ValidMessage;
    site![i] = m.siteId;
    device![i] = m.deviceId;
    kind![i] = m.kind;
    stream![i] = m.stream;
    msgId![i] = m.msgId ?? null;
    observed![i] = m.observedAt ? isoTime(m.observedAt) : null;
    received![i] = isoTime(m.receivedAt);
    for (const v of telemetryValues(m.kind, m.stream, m.payload)) {
      n.push(i + 1);
      metric.push(v.metric);
      value.push(v.value);
    }
  }
  return [site, device, kind, stream, msgId, observed, received, JSON.stringify(messages.map((m) => m.payload)), n, metric, value];
}

/** false for a later copy of an id already in the batch. */
function firstOfEachId(messages: ValidMessage[]): boolean[] {
  const seen = new Set<string>();
  return messages.map((m) => {
    if (m.msgId === undefined) return true;
    const key = idKey(m.siteId, m.deviceId, m.msgId);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
