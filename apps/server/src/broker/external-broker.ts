// MQTT_URL set: the server is a client of an external broker (e.g. Mosquitto, configured from
// deploy/mosquitto). It subscribes to device topics at QoS 1 and acknowledges a message only
// after its commit.
//
// How: MQTT.js processes one incoming packet at a time and sends a QoS 1 PUBACK when
// `handleMessage(packet, callback)` calls back. external-broker-acks.ts calls back at once and
// holds the PUBACK until the commit, in order, so a connection keeps many messages in one grouped
// commit. Given the configured devices the server consumes over `shards` connections, each
// subscribed to the devices that hash to it (external-broker-shards.ts): each device's messages
// arrive, and are committed, in order on one connection.
//
// Several servers (cluster/): the cluster decides which shards this server consumes
// (startShard/stopShard, on its leases); a shard's client id is `{clientId}-{shard}` on every
// server, so whoever takes a shard over resumes its persistent session and the messages queued
// in it. Commands then go out on a connection of the server's own (clean session).
//
// Only configured devices are subscribed. A device missing from the site files is never heard
// through an external broker, which is as it should be: the broker's ACL (deploy/mosquitto,
// generated from the same site files) refuses it anyway.
//
// The external broker does not say who published, so its ACL must hold devices to their own
// topics; the server still validates everything else.
import type { Socket } from 'node:net';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { TOPIC_ROOT } from '@estate-watch/contracts';
import type { IngestSink } from './embedded-broker';
import { OrderedAcks } from './external-broker-acks';
import { batches, FILTERS_PER_SUBSCRIBE, shardSubscriptions, type ConsumedDevice } from './external-broker-shards';
import { payloadBytes, type MqttTransport, type PublishOptions } from './mqtt-transport';

/** Every device topic: estate/v1/{site}/{kind}/{device}/{stream}. */
export const DEVICE_TOPICS = `${TOPIC_ROOT}/+/+/+/+`;

export const DEFAULT_SHARDS = 8;

export interface ExternalBrokerOptions {
  url: string;
  username?: string;
  password?: string;
  /**
   * Stable across restarts so the broker keeps each session and queues while the server is away.
   * With `devices`, connection i is `${clientId}-${i}`; without, the one connection is `clientId`.
   */
  clientId?: string;
  /** The configured devices (SitesService.allDevices()): consumed over `shards` connections. */
  devices?: readonly ConsumedDevice[];
  /** Connections when `devices` are given; 8 by default. */
  shards?: number;
  /**
   * Several servers: start() opens only a clean-session connection of this server's own, named
   * `{clientId}-c-{node}` (commands, and whether the broker is up); shards are consumed as the
   * cluster hands them over (startShard).
   */
  node?: string;
  /** Without `devices`: the one connection's filter, every device topic by default. Narrower only in tests on a shared broker. */
  topics?: string;
  /** How long start() waits for the first connections. */
  connectTimeoutMs?: number;
  /** CA that signed the broker's certificate (mqtts:// or wss://, MQTT_CA_FILE); unset: the system's CAs. */
  ca?: Buffer;
  /** The server's client certificate and key, for a broker that requires one (MQTT_CERT_FILE, MQTT_KEY_FILE). */
  cert?: Buffer;
  key?: Buffer;
}

interface Connection {
  clientId: string;
  /** The shard this connection consumes; undefined for the one-filter and the command connection. */
  shard?: number;
  /** False for the cluster's own command connection. */
  persistent: boolean;
  /** One SUBSCRIBE per batch. */
  subscriptions: string[][];
  /** The other connections' filters, one UNSUBSCRIBE per batch: see dropForeign(). */
  foreign: string[][];
}

interface Open {
  client: MqttClient;
  acks: OrderedAcks;
}

/** What a connection subscribes at its next CONNECT; a reload of the site files changes it. */
interface Subscriptions {
  subscriptions: string[][];
  foreign: string[][];
}

export class ExternalBroker implements MqttTransport {
  private clients: MqttClient[] = [];
  /** Cluster: the command connection, and the shards consumed here. */
  private control: MqttClient | undefined;
  private readonly shards = new Map<number, Open>();
  /** Some connection got a CONNACK: the broker is reachable and takes our credentials. */
  private reached = false;
  /** Connections dropped here after a failed commit (logged already). */
  private readonly droppedHere = new WeakSet<object>();
  /** The configured devices consumed (options.devices, then each reload's). */
  private devices: readonly ConsumedDevice[] | undefined;
  /** Each open shard connection and what it subscribes at its next CONNECT. */
  private readonly consuming = new Map<number, { client: MqttClient; subscribe: Subscriptions }>();

  constructor(
    private readonly ingest: IngestSink,
    private readonly options: ExternalBrokerOptions,
    private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'> = new Logger('Broker'),
  ) {
    this.devices = options.devices;
  }

  /** Resolves once every connection is up and subscribed; on failure closes them all. */
  async start(): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const opened = this.plan().map((connection) => this.open(connection, timeoutMs));
    this.clients = opened.map((o) => o.client);
    if (this.options.node !== undefined) this.control = this.clients[0];
    try {
      await Promise.all(opened.map((o) => this.firstConnection(o.client, o.subscribed, timeoutMs)));
    } catch (error) {
      await this.stop(true);
      throw error;
    }
  }

  /** Up only when every connection is: a device on a disconnected one is not being heard. */
  isUp(): boolean {
    return this.clients.length > 0 && this.clients.every((client) => client.connected);
  }

  /** Cluster: the command connection is up (the broker is reachable from here). */
  isControlUp(): boolean {
    return this.control?.connected === true;
  }

  /** How many shards the devices are spread over (the same on every server). */
  get shardCount(): number {
    return Math.max(1, Math.floor(this.options.shards ?? DEFAULT_SHARDS));
  }

  /** Shards consumed here now. */
  get consumedShards(): number[] {
    return [...this.shards.keys()].sort((a, b) => a - b);
  }

  /**
   * A reload of the site files changed the devices: each shard connection open here subscribes
   * the devices added to its shard and unsubscribes those removed (a removed device's messages
   * are no longer delivered to us), now and at its next CONNECT. Shards consumed elsewhere are
   * their holders' to change. Resolves once the broker answered; returns the filters changed.
   */
  async replaceDevices(devices: readonly ConsumedDevice[]): Promise<{ subscribed: number; unsubscribed: number }> {
    const before = this.devices;
    this.devices = devices;
    if (!before) return { subscribed: 0, unsubscribed: 0 };
    const was = shardSubscriptions(before, this.shardCount).map((batches) => new Set(batches.flat()));
    const plan = shardSubscriptions(devices, this.shardCount);
    const counts = { subscribed: 0, unsubscribed: 0 };
    await Promise.all(
      [...this.consuming.entries()].map(async ([shard, { client, subscribe }]) => {
        subscribe.subscriptions = plan[shard] ?? [];
        subscribe.foreign = plan.filter((_, j) => j !== shard).flat();
        const now = new Set(subscribe.subscriptions.flat());
        const added = [...now].filter((f) => !was[shard]?.has(f));
        const removed = [...(was[shard] ?? [])].filter((f) => !now.has(f));
        if (!client.connected) return; // subscribes the new plan when it reconnects
        for (const filters of batches(added, FILTERS_PER_SUBSCRIBE)) if ((await this.subscribe(client, filters)) === undefined) counts.subscribed += filters.length;
        for (const filters of batches(removed, FILTERS_PER_SUBSCRIBE)) if ((await this.unsubscribe(client, filters)) === undefined) counts.unsubscribed += filters.length;
      }),
    );
    return counts;
  }

  /** Cluster: consumes one shard (its persistent session), resolved once subscribed. */
  async startShard(shard: number): Promise<void> {
    if (this.shards.has(shard)) return;
    const connection = this.plan(true)[shard];
    if (!connection) throw new Error(`no shard ${shard} of ${this.shardCount}`);
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const opened = this.open(connection, timeoutMs);
    this.shards.set(shard, opened);
    this.clients.push(opened.client);
    try {
      await this.firstConnection(opened.client, opened.subscribed, timeoutMs);
    } catch (error) {
      // Unless stopShard() closed it already, and a new one for the shard may be starting.
      if (this.shards.get(shard) === opened) this.shards.delete(shard);
      this.clients = this.clients.filter((c) => c !== opened.client);
      throw error;
    }
  }

  /**
   * Cluster: stops consuming a shard. The connection drops at once; what it read and has not
   * committed is not acknowledged, so the broker keeps it in the session for the next holder.
   * Resolves once the commits under way have finished, so the next holder's cannot overtake them.
   */
  async stopShard(shard: number): Promise<void> {
    const open = this.shards.get(shard);
    if (!open) return;
    this.shards.delete(shard);
    this.clients = this.clients.filter((c) => c !== open.client);
    await open.client.endAsync(true);
    await open.acks.drained();
  }

  /** Commands go out on the command connection (cluster) or the first connection. */
  async publish(topic: string, payload: string | Uint8Array | object, options: PublishOptions = {}): Promise<void> {
    const client = this.control ?? this.clients[0];
    if (!client) throw new Error('not connected to the MQTT_URL broker');
    await client.publishAsync(topic, payloadBytes(payload), { qos: options.qos ?? 1, retain: options.retain ?? false });
  }

  /**
   * Disconnects. `force` drops the connections at once, as a crash would: messages not yet
   * committed are not acknowledged and the broker redelivers them to the next session.
   */
  async stop(force = false): Promise<void> {
    const clients = this.clients;
    const acks = [...this.shards.values()].map((s) => s.acks);
    this.clients = [];
    this.control = undefined;
    this.shards.clear();
    await Promise.all(clients.map((client) => client.endAsync(force)));
    await Promise.all(acks.map((a) => a.drained()));
  }

  /** The connections: every shard's, or with a cluster (unless `shards`) only the command connection. */
  private plan(shards = false): Connection[] {
    const base = this.options.clientId ?? `estate-watch-${hostname()}`.slice(0, 23);
    const devices = this.devices;
    if (this.options.node !== undefined && !shards) {
      // Clean session, nothing subscribed: a server that dies leaves nothing queued behind.
      return [{ clientId: `${base}-c-${this.options.node}`.slice(0, 64), persistent: false, subscriptions: [], foreign: [] }];
    }
    if (!devices) return [{ clientId: base, persistent: true, subscriptions: [[this.options.topics ?? DEVICE_TOPICS]], foreign: [] }];
    const plan = shardSubscriptions(devices, this.shardCount);
    return plan.map((subscriptions, i) => ({ clientId: `${base}-${i}`, shard: i, persistent: true, subscriptions, foreign: plan.filter((_, j) => j !== i).flat() }));
  }

  /** `subscribed`: the first connection's SUBSCRIBEs (and UNSUBSCRIBEs) have been answered. */
  private open({ clientId, shard, persistent, subscriptions, foreign }: Connection, timeoutMs: number): Open & { subscribed: Promise<void> } {
    const opts: IClientOptions = {
      clientId,
      // A persistent session: QoS 1 messages published while the server is down wait in the broker.
      clean: !persistent,
      username: this.options.username,
      password: this.options.password,
      reconnectPeriod: 1000,
      connectTimeout: timeoutMs,
      protocolVersion: 4,
      // Subscribed again below on every connect, with the current device list.
      resubscribe: false,
      // The certificate is always checked: a broker we cannot verify would see every device's data.
      ...(this.options.ca ? { ca: this.options.ca } : {}),
      ...(this.options.cert && this.options.key ? { cert: this.options.cert, key: this.options.key } : {}),
      rejectUnauthorized: true,
    };
    const client = connect(this.options.url, opts);
    const subscribe: Subscriptions = { subscriptions, foreign };
    if (shard !== undefined) this.consuming.set(shard, { client, subscribe });
    client.once('end', () => {
      if (shard !== undefined && this.consuming.get(shard)?.client === client) this.consuming.delete(shard);
    });
    const acks = new OrderedAcks(client, (error) => this.commitFailed(client, error));
    client.handleMessage = (packet, callback) => this.handleMessage(client, acks, packet, callback);
    let lastError: string | undefined;
    let markSubscribed!: () => void;
    const subscribed = new Promise<void>((resolve) => (markSubscribed = resolve));
    let up = false;
    client.on('connect', (connack) => {
      lastError = undefined;
      up = true;
      this.reached = true;
      // One PUBACK per message, each waiting on the last: Nagle's algorithm would hold them back.
      (client.stream as Partial<Socket>).setNoDelay?.(true);
      void this.subscribeAll(client, clientId, connack.sessionPresent ? subscribe.foreign : [], subscribe.subscriptions).then((done) => done && markSubscribed());
    });
    client.on('error', (error) => {
      // Once per outage and connection, not once per reconnect attempt.
      if (error.message === lastError) return;
      lastError = error.message;
      this.logger.warn(`MQTT_URL broker (${clientId}): ${error.message}`);
    });
    client.on('close', () => {
      // Once per lost connection (not per failed reconnect attempt), and not when we closed it.
      if (!up) return;
      up = false;
      if (client.disconnecting || this.droppedHere.has(client.stream)) return;
      const why = lastError ?? `by the broker (on Mosquitto: another connection took client id ${clientId} over, or it missed our keepalive: its log says which)`;
      this.logger.warn(`MQTT_URL broker (${clientId}): connection closed ${lastError ? `(${why})` : why}; reconnecting`);
    });
    return { client, acks, subscribed };
  }

  /**
   * Subscribes on the connection just made (after dropping the other connections' filters from a
   * resumed session) until every SUBSCRIBE is answered. True once answered; false when this
   * connection closed first: the next one, which MQTT.js opens by itself, subscribes again.
   *
   * A resumed session's queued messages come before the SUBACK (Mosquitto sends up to
   * max_inflight_messages of them first), so the answer can take long after a restart; nothing
   * here gives up on it. A SUBACK refusing a filter (0x80; on Mosquitto the service account's ACL)
   * will not get better by asking again: logged, not retried. Any other failure on a connection
   * still open is tried again with back-off.
   */
  private async subscribeAll(client: MqttClient, clientId: string, foreign: string[][], subscriptions: string[][]): Promise<boolean> {
    const stream = client.stream;
    const current = () => client.connected && client.stream === stream && !stream.destroyed;
    for (let attempt = 0; ; attempt++) {
      const failures = (await Promise.all([...foreign.map((f) => this.unsubscribe(client, f)), ...subscriptions.map((f) => this.subscribe(client, f))])).filter(
        (f): f is string => f !== undefined,
      );
      if (failures.length === 0) return true;
      if (!current()) {
        this.logger.warn(`MQTT_URL broker (${clientId}): the connection closed before the broker answered our subscription (${failures[0]}); subscribing again once it reconnects`);
        return false;
      }
      const delayMs = subscribeRetryMs(attempt);
      this.logger.warn(`MQTT_URL broker (${clientId}): subscribing failed (${failures[0]}); trying again in ${delayMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (!current()) return false;
    }
  }

  /**
   * Undefined when answered, a refusal included (logged here); else why it failed. MQTT.js
   * reports a refusing SUBACK as an error too: only the SUBACK's codes tell the two apart.
   */
  private subscribe(client: MqttClient, filters: string[]): Promise<string | undefined> {
    return new Promise((resolve) => {
      client.subscribe(filters, { qos: 1 }, (error, _granted, suback) => {
        const codes = (suback?.granted ?? []) as unknown[];
        const refused = filters.filter((_, i) => typeof codes[i] === 'number' && ((codes[i] as number) & 0x80) !== 0);
        if (error && refused.length === 0) return resolve(error.message);
        resolve(undefined);
        if (refused.length === 0) return;
        this.logger.error(`the broker refused our subscription to ${refused.length} filters, e.g. ${refused[0]} (SUBACK 0x80): check the service account's ACL`);
      });
    });
  }

  /**
   * A resumed session keeps the subscriptions it had. Had the shard count changed since, it
   * would still hold devices now on another connection, which would then arrive on two, out of
   * order: subscribeAll() first drops the other connections' filters. Unsubscribing a filter the
   * session does not have is harmless [MQTT-3.10.4-5]. Undefined when answered; else why not.
   */
  private unsubscribe(client: MqttClient, filters: string[]): Promise<string | undefined> {
    return new Promise((resolve) => client.unsubscribe(filters, (error) => resolve(error?.message)));
  }

  private handleMessage(client: MqttClient, acks: OrderedAcks, packet: IPublishPacket, callback: (error?: Error) => void): void {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const commit = this.ingest.submit({ topic: packet.topic, payload });
    if (packet.qos === 1) {
      // The PUBACK MQTT.js sends on callback() waits in `acks` for the commit; the next message is read now.
      acks.hold(packet, commit);
      callback();
      return;
    }
    commit.then(
      () => callback(),
      (error: unknown) => {
        this.commitFailed(client, error);
        callback(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  /** Not committed, so not acknowledged. Reconnect: the broker then redelivers it and everything after it. */
  private commitFailed(client: MqttClient, error: unknown): void {
    if (client.stream.destroyed) return;
    this.logger.error(`could not store a message from the broker; reconnecting so it is redelivered: ${String(error)}`);
    this.droppedHere.add(client.stream);
    client.stream.destroy();
  }

  /**
   * Resolves once the connection is subscribed. Fails only if the broker was never reached within
   * `timeoutMs` (no CONNACK on any connection) or refuses the CONNECT. The SUBACK is not timed:
   * a resumed session's comes behind its queued messages, which may take longer than `timeoutMs`
   * to read after a restart. A connection that closes first reconnects and subscribes again
   * (subscribeAll), and this waits for that; stop() or stopShard() ends the wait.
   */
  private firstConnection(client: MqttClient, subscribed: Promise<void>, timeoutMs: number): Promise<void> {
    const clientId = client.options.clientId;
    return new Promise((resolve, reject) => {
      let slow: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        clearTimeout(slow);
        client.removeListener('error', onError);
        client.removeListener('end', ended);
      };
      const fail = (why: string) => {
        settle();
        client.end(true);
        reject(new Error(`cannot connect to the MQTT broker at MQTT_URL (${redact(this.options.url)}): ${why}. Check MQTT_URL and the service account, or unset MQTT_URL to run the embedded broker.`));
      };
      // Once the broker answered another connection, a CONNACK still missing is one the event
      // loop has not read yet (busy with the other connections' backlog: after a long block,
      // timers run before pending reads): MQTT.js reconnects, and this waits.
      const timer = setTimeout(() => {
        if (!this.reached) return fail(`no connection within ${timeoutMs / 1000} s`);
        this.logger.log(`MQTT_URL broker (${clientId}): no CONNACK read within ${timeoutMs / 1000} s although the broker answers our other connections; still trying`);
      }, timeoutMs);
      const onError = (error: Error & { code?: number | string }) => {
        // A refused CONNACK will not get better by retrying.
        if (typeof error.code === 'number') fail(error.message);
      };
      const ended = () => {
        settle();
        reject(new Error(`the connection to MQTT_URL (${clientId}) was closed here before it was subscribed`));
      };
      client.on('error', onError);
      client.once('end', ended);
      client.once('connect', () => {
        clearTimeout(timer);
        client.removeListener('error', onError);
        slow = setTimeout(() => this.logger.log(`MQTT_URL broker (${clientId}): connected, still waiting for the answer to our subscription (the messages queued in the session come first)`), timeoutMs);
      });
      void subscribed.then(() => {
        settle();
        resolve();
      });
    });
  }
}

/** Back-off between SUBSCRIBE attempts on one connection: 1, 2, 4 … 30 s. */
export function subscribeRetryMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
