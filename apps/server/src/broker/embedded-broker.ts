// The embedded broker (MQTT_URL unset): aedes on MQTT_PORT (and MQTTS_PORT) with device
// credentials, topic ACL, limits (broker-limits.ts), a packet-size cap before authentication,
// sessions kept across restarts (broker-persistence.ts), and ingest inside the publish
// authorisation.
//
// Why ingest runs inside authorizePublish: for QoS 1 aedes writes the PUBACK first and runs
// its publish handlers after, so only a blocking hook can hold the PUBACK back until the
// message is durable. authorizePublish is that hook: the callback fires after the commit.
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { Aedes, AuthenticateError, Client, PublishPacket, Subscription } from 'aedes' with { 'resolution-mode': 'import' };
import { systemClock, type Clock } from '../common/clock';
import type { IngestService } from '../ingest/ingest.service';
import { RateLimitedLog } from '../ingest/rejection-log';
import { admit, identity } from './admission';
import { DEFAULT_BROKER_LIMITS, topicLimitRefusal, type BrokerLimits } from './broker-limits';
import { BrokerListeners, type TlsListenerOptions } from './broker-listeners';
import { openBrokerPersistence, type BrokerPersistence } from './broker-persistence';
import { maySubscribe, publishRefusal, type CredentialDirectory, type Principal, type ServiceAccount } from './device-acl';
import { DeviceRateLimit } from './device-rate-limit';
import { LoginLockout } from './login-lockout';
import { payloadBytes, type MqttTransport, type PublishOptions } from './mqtt-transport';
import { DEFAULT_MAX_PACKET_BYTES, PacketSizeGuard } from './packet-size-guard';
import { DEFAULT_READ_GATE, ReadGate, type IngestBacklog, type ReadGateOptions } from './read-gate';
import { VerifiedSecrets } from './verified-secrets';

export interface EmbeddedBrokerOptions {
  /** 0 picks a free port; read it back from `port` after start(). */
  port: number;
  /** Interface to bind; all by default. */
  host?: string;
  /** MQTT over TLS on a second port. */
  tls?: TlsListenerOptions;
  maxPacketBytes?: number;
  serviceAccount?: ServiceAccount;
  /** Unset fields: DEFAULT_BROKER_LIMITS. */
  limits?: Partial<BrokerLimits>;
  /** Sessions and retained messages are kept in `{dataDir}/mqtt-sessions`; undefined: in memory. */
  dataDir?: string;
  /** The limits' clock (connection and message rates, lockouts). */
  clock?: Clock;
  /** When device sockets stop being read (read-gate.ts); DEFAULT_READ_GATE. */
  readGate?: ReadGateOptions;
}

/** With `backlog`, device sockets are not read while its commit queue is long (read-gate.ts). */
export type IngestSink = Pick<IngestService, 'submit' | 'reject'> & Partial<Pick<IngestService, 'backlog' | 'backlogBelow'>>;

export class BrokerPortInUseError extends Error {}

export class EmbeddedBroker implements MqttTransport {
  private aedes: Aedes | undefined;
  private listeners: BrokerListeners | undefined;
  private gate: ReadGate | undefined;
  private persistence: BrokerPersistence | undefined;
  private stopping = false;
  private readonly principals = new WeakMap<Client, Principal>();
  /** Payloads that were rejected: acknowledged to the device but never forwarded or retained. */
  private readonly dropped = new WeakSet<Buffer>();
  /** Refusals come in floods (a device retrying a wrong secret): a bounded number of lines a minute. */
  private readonly warnings: RateLimitedLog;
  private readonly limits: BrokerLimits;
  private readonly clock: Clock;
  private readonly lockout: LoginLockout;
  private readonly rates: DeviceRateLimit;
  /** QoS 1 messages waiting for their turn (device-rate-limit.ts), cleared on stop. */
  private readonly held = new Set<NodeJS.Timeout>();
  /** Devices with a secretHash: verified once per device and hash, not on every CONNECT. */
  readonly hashed = new VerifiedSecrets();
  /** Counts evict() calls: a login that was being checked while one ran is checked again by the device's retry. */
  private evictions = 0;

  constructor(
    private readonly ingest: IngestSink,
    private readonly devices: CredentialDirectory,
    private readonly options: EmbeddedBrokerOptions,
    private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'> = new Logger('Broker'),
  ) {
    this.clock = options.clock ?? systemClock;
    this.limits = { ...DEFAULT_BROKER_LIMITS, ...options.limits };
    this.warnings = new RateLimitedLog((line) => this.logger.warn(line), this.clock, 20, 60_000, 'more broker refusals were');
    this.lockout = new LoginLockout({ perUsername: this.limits.authFailuresPerUsername, perAddress: this.limits.authFailuresPerAddress, lockoutMs: this.limits.authLockoutSec * 1000 });
    this.rates = new DeviceRateLimit(this.limits.deviceMessagesPerSec, this.limits.deviceMessageBurst);
  }

  /** Resolves with the bound (plain) port. */
  async start(): Promise<number> {
    this.stopping = false;
    const persistence = await openBrokerPersistence(this.options.dataDir);
    const stale = await persistence.clearStaleWills();
    if (stale > 0) this.logger.log(`dropped ${stale} last will${stale === 1 ? '' : 's'} left by the previous run`);
    // aedes 1.x is an ES module; a dynamic import loads it from this CommonJS server.
    const { Aedes } = await import('aedes');
    const aedes = await Aedes.createBroker({
      persistence: persistence.store,
      authenticate: (client, username, password, done) => void this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => this.authorizeSubscribe(client, sub, done),
      authorizeForward: (_client, packet) => (this.dropped.has(packet.payload as Buffer) ? null : packet),
      connectTimeout: 10_000,
      // aedes refuses deeper topics (publish, subscribe, will) before our hooks see them.
      maxTopicLevels: this.limits.maxTopicLevels,
    });
    aedes.on('clientError', (client, error) => this.clientError(client, error));
    // An unhandled 'error' would end the process.
    (aedes as unknown as EventEmitter).on('error', (error: Error) => this.logger.error(`broker: ${error.message}`));
    this.aedes = aedes;
    this.persistence = persistence;
    const maxPacketBytes = this.options.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
    const ingest = this.ingest;
    const gate = ingest.backlogBelow ? new ReadGate(ingest as IngestBacklog, this.options.readGate ?? DEFAULT_READ_GATE) : undefined;
    this.gate = gate;
    const listeners = new BrokerListeners({
      port: this.options.port,
      host: this.options.host,
      tls: this.options.tls,
      connectionsPerSec: this.limits.connectionsPerSec,
      clock: this.clock,
      accept: (socket) => {
        // MQTT acknowledgements are small packets: without this, Nagle's algorithm holds a PUBACK
        // back until the device's delayed ACK (40 ms on Linux) for every message sent one at a time.
        socket.setNoDelay(true);
        aedes.handle(new PacketSizeGuard(socket, maxPacketBytes, (reason, s: Socket) => this.warnings.log(`dropped connection from ${s.remoteAddress}: ${reason}`), gate));
      },
      refuse: (reason, socket) => this.warnings.log(`refused connection from ${socket.remoteAddress}: ${reason}`),
    });
    this.listeners = listeners;
    try {
      await listeners.start();
    } catch (error) {
      await this.stop();
      throw this.explainListenError(error);
    }
    return listeners.port;
  }

  /** How many times device sockets stopped being read because ingest's commit queue was long. */
  get readPauses(): number {
    return this.gate?.pauses ?? 0;
  }

  get port(): number {
    if (!this.listeners) throw new Error('the embedded MQTT broker is not listening');
    return this.listeners.port;
  }

  /** The MQTT-over-TLS port, when configured. */
  get tlsPort(): number | undefined {
    return this.listeners?.tlsPort;
  }

  isUp(): boolean {
    return this.listeners?.listening === true && this.aedes?.closed === false;
  }

  /** Server → device, straight into aedes (no TCP, no authorisation: the server is trusted). */
  publish(topic: string, payload: string | Uint8Array | object, options: PublishOptions = {}): Promise<void> {
    const aedes = this.aedes;
    if (!aedes) return Promise.reject(new Error('the embedded MQTT broker is not running'));
    const packet = { cmd: 'publish', topic, payload: payloadBytes(payload), qos: options.qos ?? 1, retain: options.retain ?? false, dup: false } as PublishPacket;
    return new Promise((resolve, reject) => aedes.publish(packet, (error) => (error ? reject(error) : resolve())));
  }

  /**
   * Cuts the live connections of devices the site files no longer admit as they are (removed,
   * moved to another kind, or re-keyed: issue 13 point 5). Their last will is not published: the
   * server cut them, the device did not drop off; a device that does not come back with its new
   * secret goes silent and is found offline after 3 × heartbeatSec (CONTRACT §4). Returns how many
   * connections were closed.
   */
  evict(devices: readonly { siteId: string; deviceId: string }[]): number {
    this.evictions += 1;
    const names = new Set(devices.map((d) => `${d.siteId}:${d.deviceId}`));
    for (const name of names) this.hashed.forget(name);
    const clients = (this.aedes as unknown as { clients?: Record<string, Client> } | undefined)?.clients ?? {};
    let closed = 0;
    for (const client of Object.values(clients)) {
      const principal = this.principals.get(client);
      if (principal?.role !== 'device' || !names.has(identity(principal))) continue;
      // Without a principal nothing more of this connection is taken, not even its last will.
      this.principals.delete(client);
      client.close();
      closed += 1;
    }
    return closed;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const { aedes, listeners, persistence } = this;
    this.gate?.stop();
    this.gate = undefined;
    this.aedes = undefined;
    this.listeners = undefined;
    this.persistence = undefined;
    for (const timer of this.held) clearTimeout(timer);
    this.held.clear();
    const closed = listeners?.stop() ?? Promise.resolve();
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await closed;
    // After aedes: closing clients still writes (will and session bookkeeping) to it.
    await persistence?.close();
  }

  private async authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (error: AuthenticateError | null, success: boolean) => void): Promise<void> {
    const persistence = this.persistence;
    const evictions = this.evictions;
    const checked = await admit(
      {
        devices: this.devices,
        service: this.options.serviceAccount,
        lockout: this.lockout,
        hashed: this.hashed,
        clock: this.clock,
        connectedAs: (id) => {
          // aedes.clients (by client id) is public but missing from its types.
          const holder = (this.aedes as unknown as { clients?: Record<string, Client> } | undefined)?.clients?.[id];
          return holder && holder !== client ? this.principals.get(holder) : undefined;
        },
        storedSubscriptions: (id) => persistence?.subscriptionsOf(id) ?? Promise.resolve([]),
      },
      { clientId: client.id, address: (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown', username, password },
    ).catch((error: unknown) => ({ ok: false as const, returnCode: 5 as const, reason: `could not check: ${String(error)}` }));
    // Checked against site files a reload replaced meanwhile: the old secret must not slip in.
    const verdict = checked.ok && this.evictions !== evictions ? { ok: false as const, returnCode: 5 as const, reason: 'site files reloaded during the login; the device retries' } : checked;
    if (!verdict.ok) {
      this.warnings.log(`refused connection "${clip(String(username))}" (client id ${clip(client.id)}): ${verdict.reason}`);
      return done(Object.assign(new Error(verdict.reason), { returnCode: verdict.returnCode }) as AuthenticateError, false);
    }
    this.principals.set(client, verdict.principal);
    done(null, true);
  }

  private authorizePublish(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void): void {
    const principal = client ? this.principals.get(client) : undefined;
    // No client: a will left by another broker instance (start() clears those of earlier runs).
    // No principal on a client: one evict() cut, whose last will or in-flight packet is refused.
    if (!principal) return done(new Error('publisher unknown'));
    // Closing the broker closes every connection, and aedes would publish each device's last
    // will: the server going down is not every device going offline. Nothing is acknowledged
    // any more either; devices redeliver to the next start.
    if (this.stopping) return done(new Error('the broker is stopping'));
    const refusal = topicLimitRefusal(packet.topic, this.limits) ?? publishRefusal(principal, packet.topic);
    if (refusal) {
      // Refused outright: the connection closes without PUBACK [MQTT-3.3.5-2].
      if (principal.role === 'device') void this.ingest.reject({ site: principal.site, device: principal.device }, refusal, packet.topic);
      return done(new Error(refusal));
    }
    if (principal.role === 'service') return done(null);
    const publisher = { site: principal.site, device: principal.device };
    if (!this.rates.enabled) return this.submit(packet, publisher, done);
    const rate = this.rates.check(identity(principal), packet.qos, this.clock.now().getTime());
    if (!rate.go) {
      // Acknowledged (so not redelivered) but neither stored nor forwarded; counted with the reason.
      this.drop(packet);
      void this.ingest.reject(publisher, rate.reason, packet.topic);
      return done(null);
    }
    const submit = () => this.submit(packet, publisher, done);
    if (rate.waitMs === 0) return submit();
    const timer = setTimeout(() => {
      this.held.delete(timer);
      if (this.stopping) return done(new Error('the broker is stopping'));
      submit();
    }, rate.waitMs);
    this.held.add(timer);
  }

  private submit(packet: PublishPacket, publisher: { site: string; device: string }, done: (error?: Error | null) => void): void {
    const payload = packet.payload as Buffer;
    this.ingest.submit({ topic: packet.topic, payload, publisher }).then(
      (outcome) => {
        if (outcome.status === 'rejected') this.drop(packet);
        done(null);
      },
      // Not durable, so not acknowledged: the connection drops and the device redelivers.
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private drop(packet: PublishPacket): void {
    this.dropped.add(packet.payload as Buffer);
    packet.retain = false;
  }

  private authorizeSubscribe(client: Client, sub: Subscription, done: (error: null, sub: Subscription | null) => void): void {
    const principal = this.principals.get(client);
    if (principal && !topicLimitRefusal(sub.topic, this.limits) && maySubscribe(principal, sub.topic)) return done(null, sub);
    this.warnings.log(`refused subscription of ${clip(client.id)} to "${clip(sub.topic)}"`);
    done(null, null); // SUBACK return code 0x80 [MQTT-3.9.3]
  }

  /** aedes refuses some packets itself (too many topic levels): a device's are counted like ours. */
  private clientError(client: Client, error: Error): void {
    this.warnings.log(`client ${clip(client.id)}: ${clip(error.message)}`);
    const principal = this.principals.get(client);
    if (principal?.role === 'device' && /topic has too many levels/.test(error.message)) {
      void this.ingest.reject({ site: principal.site, device: principal.device }, `topic has more than ${this.limits.maxTopicLevels} levels`, '(not kept)');
    }
  }

  private explainListenError(error: unknown): Error {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      const port = (error as { port?: number }).port ?? this.options.port;
      const which = port === this.options.tls?.port ? 'MQTTS_PORT' : 'MQTT_PORT';
      return new BrokerPortInUseError(
        `MQTT port ${port} is already in use (another MQTT broker such as Mosquitto may be running there). ` +
          `Set ${which} to a free port for the embedded broker, or set MQTT_URL=mqtt://127.0.0.1:${port} to use the broker already there.`,
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Device-supplied text (client ids, topics up to 64 KiB) is cut before it reaches the log. */
function clip(text: string | null | undefined, max = 200): string {
  const value = String(text);
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
