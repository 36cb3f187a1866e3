// Several servers on one broker and one database split the work by leases (README.md here).
//
// Every round (a fifth of the lease time) this server says it is alive, renews what it holds,
// and takes or lets go of units until it holds its fair share of each kind (fair-share.ts):
//   mqtt:{shard}     consume that shard's devices (their persistent session, external-broker.ts)
//   handler:{name}   run that handler's pipeline from its durable cursor (ingest/message-dispatcher.ts)
//   timer:{name}     run that sweep (common/periodic.ts)
// A unit changes hands only when its holder lets go (after stopping the work) or its lease
// expires (the holder died, or lost the database). A holder whose renewals have not got through
// for 80 % of the lease stops the work itself, before anyone else may take it.
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { AlertsService } from '../alerts/alerts.service';
import { BrokerService } from '../broker/broker.service';
import type { ExternalBroker } from '../broker/external-broker';
import type { Periodic } from '../common/periodic';
import { ENV, type Env } from '../config/env';
import { CLUSTER_MODE, type ClusterMode } from '../config/service-options';
import { DATABASE, type Database } from '../db/database';
import { IngestService } from '../ingest/ingest.service';
import type { CommitNotice, UrgentStored } from '../ingest/message-dispatcher';
import { fairShare } from './fair-share';
import { LeaseRepository, type LeaseRow } from './lease.repository';

/** NOTIFY channel: "something was committed", payload committedNotice's. */
export const COMMITTED_CHANNEL = 'estate_ingest_committed';

/** Alarms one notice carries at most; more wait for the reader like any message (a NOTIFY payload is under 8,000 bytes). */
const MAX_NOTICE_ALARMS = 40;
const MAX_NOTICE_BYTES = 7_900;

/**
 * A commit notice's payload (JSON): the committing server, the `kind/stream` pairs stored since its
 * last notice, and the alarms among them. A server whose pipelines take none of the pairs does not
 * read; one whose pipeline takes an alarm applies it at once (MessageDispatcher.poke).
 */
export function committedNotice(node: string, commit: CommitNotice): string {
  let alarms = commit.alarms.slice(0, MAX_NOTICE_ALARMS);
  for (;;) {
    const payload = JSON.stringify({ node, pairs: [...commit.pairs], alarms });
    // PostgreSQL refuses a payload of 8,000 bytes or more (long ids): fewer alarms, then none.
    if (Buffer.byteLength(payload) < MAX_NOTICE_BYTES || alarms.length === 0) return payload;
    alarms = alarms.slice(0, alarms.length >> 1);
  }
}

/** committedNotice read back; `commit` undefined when the payload is not one (a server's bare name: read anyway). */
export function readCommittedNotice(payload: string): { node: string; commit?: CommitNotice } {
  try {
    const n = JSON.parse(payload) as { node?: unknown; pairs?: unknown; alarms?: unknown };
    if (typeof n.node === 'string' && Array.isArray(n.pairs) && Array.isArray(n.alarms)) {
      return { node: n.node, commit: { pairs: new Set(n.pairs.map(String)), alarms: n.alarms.filter(isUrgentStored) } };
    }
  } catch {
    // not JSON: the name alone
  }
  return { node: payload };
}

function isUrgentStored(a: unknown): a is UrgentStored {
  const u = a as Partial<UrgentStored> | null;
  return typeof u === 'object' && u !== null && typeof u.siteId === 'string' && typeof u.deviceId === 'string' && typeof u.kind === 'string' && typeof u.stream === 'string' && Number.isSafeInteger(u.seq);
}

/** Handlers read the database at least this often even if a notification was lost. */
const POLL_MS = 1_000;
/** Alerts repeated to every screen when a handler changes hands (see reannounce). */
const REANNOUNCED_ALERTS = 200;

export interface ClusterHealth {
  node: string;
  /** Live servers, this one included. */
  servers: number;
  /** False while this server cannot reach the database (it holds nothing) or the broker (it consumes no shard). */
  claiming: boolean;
  reason?: string;
  shards: number[];
  handlers: string[];
  timers: string[];
  /** Device messages this server stored since it started, and in how many grouped commits. */
  ingested: number;
  commits: number;
  /** Other servers' messages read back for the handlers here: reads and rows (its own it hands over from memory). */
  readBack: { reads: number; rows: number };
  leaseMs: number;
}

type Kind = 'mqtt' | 'handler' | 'timer';
const kindOf = (unit: string) => unit.slice(0, unit.indexOf(':')) as Kind;
const nameOf = (unit: string) => unit.slice(unit.indexOf(':') + 1);

@Injectable()
export class ClusterService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Cluster');
  readonly enabled: boolean;
  readonly node: string;
  private readonly leaseMs: number;
  private readonly repo: LeaseRepository;
  /** The leases' own connection: a pool busy with ingest must not delay a renewal. */
  private readonly leasePool: pg.Pool | undefined;
  private readonly dispatch: ReturnType<IngestService['joinCluster']> | undefined;
  private readonly held = new Set<string>();
  private timerNames: string[] = [];
  private servers = 1;
  private claiming = true;
  /** False once renewals failed for half the lease: this server holds nothing until they work again. */
  private claimingDb = true;
  private reason: string | undefined;
  private lastRenewed = performance.now();
  private renewing: Promise<void> | undefined;
  /** Every lease held as the last renewal saw it (the round's balance needs no read of its own); taken once. */
  private liveSeen: LeaseRow[] | undefined;
  private balancing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  private listener: pg.Client | undefined;
  private pool: pg.Pool | undefined;
  private notifying = false;
  private notifyAgain = false;
  /** What was committed here since the last NOTIFY went out: its `kind/stream` pairs and alarms. */
  private unannounced: { pairs: Set<string>; alarms: UrgentStored[] } = { pairs: new Set(), alarms: [] };
  private stopped = false;
  private reannouncing = false;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(DATABASE) private readonly db: Database,
    private readonly broker: BrokerService,
    private readonly ingest: IngestService,
    private readonly alerts: AlertsService,
    @Inject(CLUSTER_MODE) mode: ClusterMode,
  ) {
    this.enabled = mode.enabled;
    this.node = broker.node ?? 'single';
    this.leaseMs = env.clusterLeaseMs ?? 8_000;
    if (this.enabled && env.databaseUrl) {
      this.leasePool = new pg.Pool({ connectionString: env.databaseUrl, max: 2 });
      this.leasePool.on('error', () => undefined);
    }
    const leaseDb = this.leasePool;
    this.repo = new LeaseRepository(leaseDb ? { query: async <T>(text: string, params?: unknown[]) => (await leaseDb.query(text, params)).rows as T[] } : db);
    if (!this.enabled) return;
    this.dispatch = ingest.joinCluster((commit) => this.committed(commit));
  }

  /** The pool the Socket.IO adapter broadcasts over (LISTEN/NOTIFY); undefined when alone. */
  adapterPool(): pg.Pool | undefined {
    if (!this.enabled || !this.env.databaseUrl) return undefined;
    this.pool ??= new pg.Pool({ connectionString: this.env.databaseUrl, max: 2 });
    this.pool.on('error', (error) => this.log.warn(`live adapter connection: ${error.message}`));
    return this.pool;
  }

  /** Bootstrap hands over the sweeps: each runs on the server holding its lease. */
  adoptTimers(periodic: Periodic): void {
    if (!this.enabled) return;
    this.timerNames = periodic.names;
    periodic.gate = (name) => this.held.has(`timer:${name}`);
  }

  /** True when this server runs the sweep (always when alone). */
  runsTimer(name: string): boolean {
    return !this.enabled || this.held.has(`timer:${name}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    await this.broker.start();
    await this.listen();
    this.log.log(`server ${this.node} joins the cluster: leases of ${this.leaseMs / 1000} s on the database's clock`);
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.leaseMs / 5);
    this.timer.unref();
    this.poller = setInterval(() => this.dispatch?.poke(), POLL_MS);
    this.poller.unref();
  }

  /** Orderly stop: the work stops here and every lease is let go, so the others take over at once. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.enabled || this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.poller);
    await Promise.all([this.renewing, this.balancing].map((p) => p?.catch(() => undefined)));
    const units = [...this.held];
    for (const unit of units) await this.dropLocally(unit);
    await this.repo.release(this.node, units).catch(() => undefined);
    await this.repo.leave(this.node).catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    await this.pool?.end().catch(() => undefined);
    await this.leasePool?.end().catch(() => undefined);
  }

  health(): ClusterHealth | undefined {
    if (!this.enabled) return undefined;
    const of = (kind: Kind) => [...this.held].filter((u) => kindOf(u) === kind).map(nameOf).sort();
    return {
      node: this.node,
      servers: this.servers,
      claiming: this.claiming && this.claimingDb,
      reason: this.reason,
      shards: of('mqtt').map(Number).sort((a, b) => a - b),
      handlers: of('handler'),
      timers: of('timer'),
      ingested: this.ingest.stats().accepted,
      commits: this.ingest.stats().batches,
      readBack: this.dispatch?.readBack() ?? { reads: 0, rows: 0 },
      leaseMs: this.leaseMs,
    };
  }

  /**
   * One round: renew, then balance. Renewing never waits for balancing (connecting a shard may
   * take seconds on a loaded machine, and a lease must not expire meanwhile); neither runs twice
   * at once. Tests call it to move on without waiting for the interval.
   */
  async tick(): Promise<void> {
    await this.watchdog();
    this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
    await this.renewing;
    if (!this.claimingDb) return;
    this.balancing ??= this.balance().finally(() => (this.balancing = undefined));
    await this.balancing;
  }

  private units(): Record<Kind, string[]> {
    const shards = this.externalBroker().shardCount;
    return {
      mqtt: Array.from({ length: shards }, (_, i) => `mqtt:${i}`),
      handler: this.ingest.handlers.map((h) => `handler:${h.name}`),
      timer: this.timerNames.map((n) => `timer:${n}`),
    };
  }

  /**
   * Alive, and the leases held extended. A slow answer is no failure: a renewal extends the lease
   * from when the database ran it, so the lease is good for CLUSTER_LEASE_SEC after it was sent.
   */
  private async renew(): Promise<void> {
    if (this.stopped) return;
    const sentAt = performance.now();
    try {
      const asked = [...this.held];
      const round = await this.repo.round(this.node, asked, this.leaseMs);
      const members = round.members;
      const kept = new Set(round.kept);
      this.liveSeen = round.live;
      this.lastRenewed = sentAt;
      if (!this.claimingDb) this.log.log('the database answers again: taking work again');
      this.claimingDb = true;
      this.servers = Math.max(1, members.length);
      for (const unit of asked) {
        if (kept.has(unit) || !this.held.has(unit)) continue;
        this.log.warn(`lease ${unit} was lost (not renewed in time): stopping it here`);
        await this.dropLocally(unit);
      }
    } catch (error) {
      this.log.warn(`lease renewal failed (${String(error)})`);
    }
  }

  /**
   * Stops all work here once the last renewal that got through was sent 80 % of a lease ago, so
   * it has stopped before anyone else may take it (others wait for the whole lease, on the
   * database's clock). Runs whether or not a renewal is still waiting for its answer.
   */
  private async watchdog(): Promise<void> {
    const silentMs = performance.now() - this.lastRenewed;
    if (silentMs < this.leaseMs * 0.8 || !this.claimingDb) return;
    this.log.error(`no lease renewal got through for ${Math.round(silentMs / 1000)} s: the database is unreachable or too slow; stopping all work here, the other servers take it over`);
    this.claimingDb = false;
    this.reason = 'the database is unreachable: holding no work';
    for (const unit of [...this.held]) await this.dropLocally(unit);
  }

  /** Per kind: lets the surplus go, takes free units up to the fair share. */
  private async balance(): Promise<void> {
    if (this.stopped) return;
    try {
      const live = this.liveSeen ?? (await this.repo.live());
      this.liveSeen = undefined;
      const others = new Set(live.filter((l) => l.holder !== this.node).map((l) => l.name));
      const brokerUp = this.externalBroker().isControlUp();
      this.claiming = brokerUp;
      this.reason = brokerUp ? undefined : 'the MQTT broker is unreachable: consuming no device messages here';
      for (const [kind, units] of Object.entries(this.units()) as [Kind, string[]][]) {
        const plan = fairShare({ units, mine: this.held, others, servers: this.servers, mayTake: kind !== 'mqtt' || brokerUp });
        const release = kind === 'mqtt' && !brokerUp ? units.filter((u) => this.held.has(u)) : plan.release;
        for (const unit of release) await this.letGo(unit);
        for (const unit of plan.take) await this.take(unit);
      }
    } catch (error) {
      this.log.warn(`cluster round failed (${String(error)}); tried again in ${this.leaseMs / 5000} s`);
    }
  }

  /** Takes the lease, then starts the work without holding the round up (a shard connects in the background). */
  private async take(unit: string): Promise<void> {
    const epoch = await this.repo.acquire(this.node, unit, this.leaseMs);
    if (epoch === undefined) return;
    this.held.add(unit);
    this.log.log(`took ${unit} (epoch ${epoch})`);
    if (kindOf(unit) === 'handler' && epoch > 1) this.reannounce();
    void this.startLocally(unit).catch(async (error: unknown) => {
      if (!this.held.delete(unit)) return;
      this.log.warn(`could not start ${unit} (${String(error)}): letting it go`);
      await this.repo.release(this.node, [unit]).catch(() => undefined);
    });
  }

  /**
   * Voluntary: the work stops here first (the lease still renewed meanwhile), then the lease goes,
   * so the next holder never overlaps.
   */
  private async letGo(unit: string): Promise<void> {
    await this.stopWork(unit).catch((error: unknown) => this.log.warn(`${unit} stopped uncleanly: ${String(error)}`));
    this.held.delete(unit);
    await this.repo.release(this.node, [unit]);
    this.log.log(`let ${unit} go`);
  }

  private async startLocally(unit: string): Promise<void> {
    const name = nameOf(unit);
    switch (kindOf(unit)) {
      case 'mqtt':
        return this.externalBroker().startShard(Number(name));
      case 'handler':
        // Catching up may take a while: the round goes on; a failure leaves the lease to expire.
        void this.dispatch?.own(name).catch((error: unknown) => this.log.error(`handler ${name} did not start: ${String(error)}`));
        return;
      case 'timer':
        return;
    }
  }

  /**
   * A handler changed hands: a server killed between committing an alert and broadcasting it
   * took that event with it, and the handler's replay does not raise it again (it was applied).
   * The newest alerts go to every screen once more; the dashboard merges them by id.
   */
  private reannounce(): void {
    if (this.reannouncing) return;
    this.reannouncing = true;
    void this.alerts
      .list({ limit: REANNOUNCED_ALERTS })
      .then((alerts) => {
        for (const alert of alerts.reverse()) this.alerts.changes$.next({ change: 'repeated', alert });
      })
      .catch((error: unknown) => this.log.warn(`could not repeat the newest alerts after a takeover: ${String(error)}`))
      .finally(() => (this.reannouncing = false));
  }

  /** The lease is gone: stop at once (bounded: a database or broker away must not hold this up). */
  private async dropLocally(unit: string): Promise<void> {
    this.held.delete(unit);
    await within(this.leaseMs / 4, this.stopWork(unit)).catch((error: unknown) => this.log.warn(`${unit} stopped uncleanly: ${String(error)}`));
  }

  private async stopWork(unit: string): Promise<void> {
    const name = nameOf(unit);
    if (kindOf(unit) === 'mqtt') await this.externalBroker().stopShard(Number(name));
    else if (kindOf(unit) === 'handler') await this.dispatch?.disown(name);
  }

  private externalBroker(): ExternalBroker {
    const external = this.broker.external;
    if (!external) throw new Error('the cluster needs MQTT_URL');
    return external;
  }

  /**
   * Tells the other servers that something was committed, and of which kinds; one NOTIFY at a
   * time, coalesced (the next one names the pairs of every commit since).
   */
  private committed(commit: CommitNotice): void {
    for (const pair of commit.pairs) this.unannounced.pairs.add(pair);
    for (const alarm of commit.alarms) if (this.unannounced.alarms.length < MAX_NOTICE_ALARMS) this.unannounced.alarms.push(alarm);
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = true;
    const notice = committedNotice(this.node, this.unannounced);
    this.unannounced = { pairs: new Set(), alarms: [] };
    void this.db
      .query('SELECT pg_notify($1, $2)', [COMMITTED_CHANNEL, notice])
      .catch(() => undefined)
      .finally(() => {
        this.notifying = false;
        if (this.notifyAgain) {
          this.notifyAgain = false;
          this.committed({ pairs: new Set(), alarms: [] });
        }
      });
  }

  /** Hears the other servers' commits; reconnects after a second when the connection drops. */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.env.databaseUrl });
    const again = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      setTimeout(() => void this.listen(), 1_000).unref();
    };
    client.on('error', again);
    client.on('end', again);
    client.on('notification', (n) => {
      const notice = readCommittedNotice(n.payload ?? '');
      if (notice.node !== this.node) this.dispatch?.poke(notice.commit);
    });
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${COMMITTED_CHANNEL}`);
    } catch (error) {
      this.log.warn(`cannot listen for other servers' commits (${String(error)}); polling every ${POLL_MS} ms meanwhile`);
      again();
    }
  }
}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms)} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
