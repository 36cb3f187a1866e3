// The embedded broker (MQTT_URL unset): aedes on MQTT_PORT with device credentials, topic ACL,
// a packet-size cap before authentication, and ingest inside the publish authorisation.
//
// Why ingest runs inside authorizePublish: for QoS 1 aedes writes the PUBACK first and runs
// its publish handlers after, so only a blocking hook can hold the PUBACK back until the
// message is durable. authorizePublish is that hook: the callback fires after the commit.
import type { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { Aedes, Client, PublishPacket, Subscription } from 'aedes' with { 'resolution-mode': 'import' };
import { systemClock } from '../common/clock';
import type { IngestService } from '../ingest/ingest.service';
import { RateLimitedLog } from '../ingest/rejection-log';
import { authenticate, maySubscribe, publishRefusal, type CredentialDirectory, type Principal, type ServiceAccount } from './device-acl';
import { payloadBytes, type MqttTransport, type PublishOptions } from './mqtt-transport';
import { DEFAULT_MAX_PACKET_BYTES, PacketSizeGuard } from './packet-size-guard';

export interface EmbeddedBrokerOptions {
  /** 0 picks a free port; read it back from `port` after start(). */
  port: number;
  /** Interface to bind; all by default. */
  host?: string;
  maxPacketBytes?: number;
  serviceAccount?: ServiceAccount;
}

export type IngestSink = Pick<IngestService, 'submit' | 'reject'>;

export class BrokerPortInUseError extends Error {}

export class EmbeddedBroker implements MqttTransport {
  private aedes: Aedes | undefined;
  private server: Server | undefined;
  private stopping = false;
  private readonly principals = new WeakMap<Client, Principal>();
  /** Payloads that were rejected: acknowledged to the device but never forwarded or retained. */
  private readonly dropped = new WeakSet<Buffer>();
  /** Refusals come in floods (a device retrying a wrong secret): a bounded number of lines a minute. */
  private readonly warnings: RateLimitedLog;

  constructor(
    private readonly ingest: IngestSink,
    private readonly devices: CredentialDirectory,
    private readonly options: EmbeddedBrokerOptions,
    private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'> = new Logger('Broker'),
  ) {
    this.warnings = new RateLimitedLog((line) => this.logger.warn(line), systemClock, 20, 60_000, 'more broker refusals were');
  }

  /** Resolves with the bound port. */
  async start(): Promise<number> {
    // aedes 1.x is an ES module; a dynamic import loads it from this CommonJS server.
    const { Aedes } = await import('aedes');
    const aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => this.authorizeSubscribe(client, sub, done),
      authorizeForward: (_client, packet) => (this.dropped.has(packet.payload as Buffer) ? null : packet),
      connectTimeout: 10_000,
    });
    aedes.on('clientError', (client, error) => this.warnings.log(`client ${clip(client.id)}: ${clip(error.message)}`));
    // An unhandled 'error' would end the process; the broker's own (in-memory) persistence is its only source.
    (aedes as unknown as EventEmitter).on('error', (error: Error) => this.logger.error(`broker: ${error.message}`));
    this.aedes = aedes;
    const maxPacketBytes = this.options.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
    const server = createServer((socket) => {
      // MQTT acknowledgements are small packets: without this, Nagle's algorithm holds a PUBACK
      // back until the device's delayed ACK (40 ms on Linux) for every message sent one at a time.
      socket.setNoDelay(true);
      aedes.handle(new PacketSizeGuard(socket, maxPacketBytes, (reason, s: Socket) => this.warnings.log(`dropped connection from ${s.remoteAddress}: ${reason}`)));
    });
    this.server = server;
    try {
      await listen(server, this.options.port, this.options.host);
    } catch (error) {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      this.aedes = undefined;
      this.server = undefined;
      throw this.explainListenError(error);
    }
    return this.port;
  }

  get port(): number {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the embedded MQTT broker is not listening');
    return address.port;
  }

  isUp(): boolean {
    return this.server?.listening === true && this.aedes?.closed === false;
  }

  /** Server → device, straight into aedes (no TCP, no authorisation: the server is trusted). */
  publish(topic: string, payload: string | Uint8Array | object, options: PublishOptions = {}): Promise<void> {
    const aedes = this.aedes;
    if (!aedes) return Promise.reject(new Error('the embedded MQTT broker is not running'));
    const packet = { cmd: 'publish', topic, payload: payloadBytes(payload), qos: options.qos ?? 1, retain: options.retain ?? false, dup: false } as PublishPacket;
    return new Promise((resolve, reject) => aedes.publish(packet, (error) => (error ? reject(error) : resolve())));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const { aedes, server } = this;
    this.aedes = undefined;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await closed;
  }

  private authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: null, success: boolean) => void,
  ): void {
    const principal = authenticate(username, password, this.devices, this.options.serviceAccount);
    if (!principal) {
      this.warnings.log(`refused connection "${clip(String(username))}": bad username or password`);
      return done(null, false); // CONNACK return code 5, not authorised
    }
    this.principals.set(client, principal);
    done(null, true);
  }

  private authorizePublish(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void): void {
    const principal = client ? this.principals.get(client) : undefined;
    // No client: a will left by another broker instance; this broker keeps wills in memory only.
    if (!principal) return done(new Error('publisher unknown'));
    // Closing the broker closes every connection, and aedes would publish each device's last
    // will: the server going down is not every device going offline. Nothing is acknowledged
    // any more either; devices redeliver to the next start.
    if (this.stopping) return done(new Error('the broker is stopping'));
    const refusal = publishRefusal(principal, packet.topic);
    if (refusal) {
      // An ACL violation is refused: the connection closes without PUBACK [MQTT-3.3.5-2].
      if (principal.role === 'device') void this.ingest.reject({ site: principal.site, device: principal.device }, refusal, packet.topic);
      return done(new Error(refusal));
    }
    if (principal.role === 'service') return done(null);
    const payload = packet.payload as Buffer;
    this.ingest.submit({ topic: packet.topic, payload, publisher: { site: principal.site, device: principal.device } }).then(
      (outcome) => {
        if (outcome.status === 'rejected') {
          this.dropped.add(payload);
          packet.retain = false;
        }
        done(null);
      },
      // Not durable, so not acknowledged: the connection drops and the device redelivers.
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private authorizeSubscribe(client: Client, sub: Subscription, done: (error: null, sub: Subscription | null) => void): void {
    const principal = this.principals.get(client);
    if (principal && maySubscribe(principal, sub.topic)) return done(null, sub);
    this.warnings.log(`refused subscription of ${clip(client.id)} to "${clip(sub.topic)}"`);
    done(null, null); // SUBACK return code 0x80 [MQTT-3.9.3]
  }

  private explainListenError(error: unknown): Error {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      const port = this.options.port;
      return new BrokerPortInUseError(
        `MQTT port ${port} is already in use (another MQTT broker such as Mosquitto may be running there). ` +
          `Set MQTT_PORT to a free port for the embedded broker, or set MQTT_URL=mqtt://127.0.0.1:${port} to use the broker already there.`,
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

function listen(server: Server, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

