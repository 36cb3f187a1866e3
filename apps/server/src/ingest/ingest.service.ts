// The path of one message, ingest side: validate → (group) commit with dedup → hand to handlers.
//
// How a device is answered (MQTT 3.1.1 has no negative PUBACK): the broker waits for submit().
// Accepted, duplicate and rejected messages are all acknowledged once their batch committed:
// a duplicate was already stored, and a bad payload will not get better by being sent again,
// so not acknowledging it would only make the device redeliver it forever. A message whose
// commit failed (database away) is not acknowledged: submit() throws and the broker drops
// the connection, so the device keeps it and redelivers. Topic ACL violations are refused by
// the broker itself before they get here (see broker/device-acl.ts).
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import { pathTrace } from '../common/path-trace';
import { SitesService } from '../sites/sites.service';
import { selects, type AcceptedMessage, type MessageHandler } from './accepted-message';
import { GroupCommit } from './group-commit';
import type { HandlerStats, PipelineOptions } from './handler-pipeline';
import type { DeviceIdentity, IncomingMessage, IngestOutcome, Rejection, ValidMessage } from './incoming-message';
import { IngestRepository } from './ingest.repository';
import { MessageDispatcher, type CommitNotice, type UrgentStored } from './message-dispatcher';
import { RateLimitedLog } from './rejection-log';
import { validateMessage, type DeviceDirectory } from './validate-message';

export const INGEST_OPTIONS = Symbol('INGEST_OPTIONS');

export interface IngestOptions {
  /** Most messages in one grouped commit. */
  maxBatch?: number;
  /** Stored messages held in memory for each handler before reading them back from the database. */
  maxQueuedForHandlers?: number;
  /** Prefix of the handlers' durable cursor rows. */
  consumer?: string;
  /** Batch size, retries and pauses of the handlers' pipelines. */
  pipeline?: Partial<PipelineOptions>;
  /** Rejection log lines per minute. */
  rejectionLogPerMinute?: number;
}

export interface IngestStats {
  accepted: number;
  duplicates: number;
  rejected: number;
  ignored: number;
  batches: number;
  lastBatchSize: number;
  commitFailures: number;
  handlerErrors: number;
  /** Highest seq every handler has applied. */
  dispatchedSeq: number;
}

type Item = { kind: 'message'; message: ValidMessage; urgent?: true } | { kind: 'rejection'; rejection: Rejection; reason: string };

/** Message ids are kept twice the 24 h a device may buffer (CONTRACT §1), then pruned hourly. */
const DEDUP_KEEP_MS = 48 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;
const MAX_TOPIC_CHARS = 256;
const MAX_REASON_CHARS = 500;

@Injectable()
export class IngestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ingest');
  private readonly committer: GroupCommit<Item, IngestOutcome>;
  private readonly dispatcher: MessageDispatcher;
  private readonly rejectionLog: RateLimitedLog;
  private readonly counters = { accepted: 0, duplicates: 0, rejected: 0, ignored: 0, batches: 0, lastBatchSize: 0, commitFailures: 0 };
  private startup: Promise<void> | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  /** In a cluster: hears each commit made here, with the `kind/stream` pairs it stored and its alarms. */
  private committed: ((commit: CommitNotice) => void) | undefined;
  /** Per `kind/stream`: the handlers with an urgent() that take it. */
  private readonly judges = new Map<string, readonly MessageHandler[]>();

  constructor(
    private readonly repo: IngestRepository,
    @Inject(SitesService) private readonly devices: DeviceDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(INGEST_OPTIONS) options: IngestOptions | null = null,
  ) {
    this.committer = new GroupCommit((items) => this.commit(items), options?.maxBatch ?? 2000);
    this.dispatcher = new MessageDispatcher(
      repo,
      options?.consumer ?? 'domain',
      { ...(options?.maxQueuedForHandlers !== undefined && { maxQueued: options.maxQueuedForHandlers }), ...options?.pipeline },
      this.logger,
    );
    this.rejectionLog = new RateLimitedLog((line) => this.logger.warn(line), clock, options?.rejectionLogPerMinute ?? 20);
  }

  /** Before start(): the app's handlers come through HandlerRegistry; tests may register their own. */
  register(handler: MessageHandler): void {
    this.dispatcher.register(handler);
    this.judges.clear();
  }

  /**
   * Several servers on one database (cluster/cluster.service.ts), before start(): handlers run
   * where their lease is, and `committed` hears every commit made here (the cluster tells the
   * other servers). IngestRepository orders the commits across servers (CLUSTER_MODE).
   */
  joinCluster(committed: (commit: CommitNotice) => void): Pick<MessageDispatcher, 'own' | 'disown' | 'poke' | 'readBack'> {
    this.dispatcher.cluster();
    this.committed = committed;
    return this.dispatcher;
  }

  /** Replays stored messages after the cursor to the handlers. Idempotent; the broker awaits it before listening. */
  start(): Promise<void> {
    this.startup ??= this.dispatcher.start().then(() => {
      this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
      this.pruneTimer.unref();
    });
    return this.startup;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /**
   * Validates, deduplicates and stores one message. Resolves after its batch committed (the
   * broker acknowledges then); throws only when the commit failed.
   */
  submit(incoming: IncomingMessage): Promise<IngestOutcome> {
    // Not `async`: the usual message gets the commit's own promise back. An async function
    // wrapped it in another one, settled by a job of its own, for every message.
    try {
      const receivedAt = this.clock.now();
      const verdict = validateMessage(incoming, this.devices, receivedAt);
      if (verdict.decision === 'ignore') {
        this.counters.ignored++;
        return Promise.resolve({ status: 'ignored' });
      }
      if (verdict.decision === 'reject') {
        return this.reject(verdict.claimed, verdict.reason, incoming.topic).then(() => ({ status: 'rejected', reason: verdict.reason }));
      }
      const m = verdict.message;
      const urgent = this.isUrgent(m);
      if (urgent) pathTrace.follow(m);
      // The screens hear an alarm now, not after its commit and the lane (issue 9.4); in a cluster
      // another server may write the same alerts, so there it takes the stored path only.
      const withdraw = urgent && !this.committed ? this.forewarn(m) : undefined;
      const stored = this.committer.submit({ kind: 'message', message: m, ...(urgent && { urgent }) }, { key: `${m.siteId}/${m.deviceId}`, urgent });
      return withdraw ? withdrawUnlessAccepted(stored, withdraw) : stored;
    } catch (error) {
      // As from an async function: never a throw into the broker's network loop.
      return Promise.reject(error);
    }
  }

  /** What the handlers that call this message urgent tell the screens ahead of its commit; what withdraws it. */
  private forewarn(m: ValidMessage): (() => void) | undefined {
    let withdraws: (() => void)[] | undefined;
    for (const h of this.urgentJudges(m)) {
      const withdraw = h.forewarn?.(m);
      if (withdraw) (withdraws ??= []).push(withdraw);
    }
    return withdraws && (() => withdraws.forEach((w) => w()));
  }

  /**
   * Counts and logs a rejected message against the device it claims to be. Also used by the
   * broker for ACL refusals. Never throws: a failing count must not take ingestion down.
   */
  async reject(claimed: DeviceIdentity | undefined, reason: string, topic: string): Promise<void> {
    this.counters.rejected++;
    const who = claimed ? `${claimed.site}:${claimed.device}` : 'unattributable';
    this.rejectionLog.log(`rejected from ${who} on "${truncate(topic, MAX_TOPIC_CHARS)}": ${truncate(reason, MAX_REASON_CHARS)}`);
    // Nothing in the message names a device (e.g. a topic outside estate/v1): logged and counted in-process only.
    if (!claimed) return;
    const rejection: Rejection = {
      siteId: claimed.site,
      deviceId: claimed.device,
      reason: truncate(reason, MAX_REASON_CHARS),
      topic: truncate(topic, MAX_TOPIC_CHARS),
      at: this.clock.now(),
    };
    await this.committer.submit({ kind: 'rejection', rejection, reason }).catch(() => undefined);
  }

  /** An alarm (some handler calls it urgent) goes ahead of the commit queue, never ahead of its own device's messages. */
  private isUrgent(m: ValidMessage): boolean {
    // Asked as it is: urgent() takes the message without its seq, so nothing is copied (issue 9.4).
    for (const h of this.urgentJudges(m)) if (h.urgent!(m)) return true;
    return false;
  }

  /** The handlers that may call a message of this kind and stream urgent (most take none). */
  private urgentJudges(m: Pick<ValidMessage, 'kind' | 'stream'>): readonly MessageHandler[] {
    const key = `${m.kind}/${m.stream}`;
    let judges = this.judges.get(key);
    if (!judges) {
      judges = this.dispatcher.handlers.filter((h) => h.urgent && selects(h.selects, m));
      this.judges.set(key, judges);
    }
    return judges;
  }

  /**
   * Messages waiting for a grouped commit (not counting the one in flight). The embedded broker
   * stops reading device sockets while this is long (broker/read-gate.ts).
   */
  get backlog(): number {
    return this.committer.pending;
  }

  /** Resolves once fewer than `below` messages wait for a commit. */
  backlogBelow(below: number): Promise<void> {
    return this.committer.pendingBelow(below);
  }

  stats(): IngestStats {
    const handlers = this.dispatcher.stats();
    return { ...this.counters, handlerErrors: handlers.reduce((n, h) => n + h.errors, 0), dispatchedSeq: this.dispatcher.dispatchedSeq };
  }

  /** Each handler's pipeline: how far it applied, what waits, errors, failures (/api/health). */
  handlerStats(): HandlerStats[] {
    return this.dispatcher.stats();
  }

  get handlers(): readonly MessageHandler[] {
    return this.dispatcher.handlers;
  }

  /** Resolves when every submitted message is committed and handed to the handlers. */
  async settled(): Promise<void> {
    await this.committer.idle();
    await this.dispatcher.idle();
  }

  /** Commits what is queued, lets the handlers finish, writes the cursor; then touches the database no more. */
  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.settled();
    this.dispatcher.stop();
  }

  private async commit(items: Item[]): Promise<IngestOutcome[]> {
    const messages: ValidMessage[] = [];
    const rejections: Rejection[] = [];
    for (const item of items) {
      if (item.kind === 'message') messages.push(item.message);
      else rejections.push(item.rejection);
    }
    let stored: (AcceptedMessage | undefined)[];
    if (pathTrace.enabled) for (const m of messages) pathTrace.mark(m, 'commitStarted');
    try {
      ({ stored } = await this.repo.commitBatch(messages, rejections));
    } catch (error) {
      this.counters.commitFailures++;
      this.logger.error(`commit of ${items.length} messages failed; they are not acknowledged: ${String(error)}`);
      throw error;
    }
    if (pathTrace.enabled) for (const m of messages) pathTrace.mark(m, 'committed');
    this.counters.batches++;
    this.counters.lastBatchSize = items.length;
    const fresh = stored.filter((m): m is AcceptedMessage => m !== undefined);
    this.dispatcher.enqueue(fresh);
    if (this.committed) this.committed({ pairs: pairsStored(fresh), alarms: alarmsStored(items, stored) });
    let next = 0;
    return items.map((item): IngestOutcome => {
      if (item.kind === 'rejection') return { status: 'rejected', reason: item.reason };
      const message = stored[next++];
      if (message) {
        this.counters.accepted++;
        return { status: 'accepted', seq: message.seq };
      }
      this.counters.duplicates++;
      return { status: 'duplicate' };
    });
  }

  private async prune(): Promise<void> {
    try {
      await this.repo.pruneMessageIds(new Date(this.clock.now().getTime() - DEDUP_KEEP_MS));
    } catch (error) {
      this.logger.warn(`pruning old message ids failed (retried next hour): ${String(error)}`);
    }
  }
}

/** The alarms (messages a handler called urgent at submit) a commit stored. */
function alarmsStored(items: readonly Item[], stored: readonly (AcceptedMessage | undefined)[]): UrgentStored[] {
  const alarms: UrgentStored[] = [];
  let next = 0;
  for (const item of items) {
    if (item.kind !== 'message') continue;
    const m = stored[next++];
    if (item.urgent && m) alarms.push({ siteId: m.siteId, deviceId: m.deviceId, kind: m.kind, stream: m.stream, seq: m.seq });
  }
  return alarms;
}

/** The `kind/stream` pairs of a commit's messages (a handful, whatever its size). */
function pairsStored(messages: readonly AcceptedMessage[]): Set<string> {
  const pairs = new Set<string>();
  let last: AcceptedMessage | undefined;
  for (const m of messages) {
    if (last && m.kind === last.kind && m.stream === last.stream) continue;
    pairs.add(`${m.kind}/${m.stream}`);
    last = m;
  }
  return pairs;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The outcome of a forewarned message; what was told ahead is withdrawn unless it was stored. */
async function withdrawUnlessAccepted(stored: Promise<IngestOutcome>, withdraw: () => void): Promise<IngestOutcome> {
  try {
    const outcome = await stored;
    if (outcome.status !== 'accepted') withdraw();
    return outcome;
  } catch (error) {
    withdraw();
    throw error;
  }
}
