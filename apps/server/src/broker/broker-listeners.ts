// The embedded broker's sockets: plain MQTT on MQTT_PORT and, with a certificate, MQTT over
// TLS on MQTTS_PORT. Both share one global new-connection rate, checked at accept, before any
// byte is parsed: a CONNECT flood costs a closed socket, not a credential check.
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Clock } from '../common/clock';
import { TokenBucket } from './token-bucket';

export interface TlsListenerOptions {
  port: number;
  cert: Buffer;
  key: Buffer;
  /** CA of client certificates: asked for, and checked when presented. */
  ca?: Buffer;
  /** With `ca`: no valid client certificate, no connection (refused during the handshake). */
  requireClientCert?: boolean;
}

export interface ListenerOptions {
  port: number;
  host?: string;
  tls?: TlsListenerOptions;
  /** 0: no limit. */
  connectionsPerSec: number;
  clock: Clock;
  /** A socket let in: hand it to the broker. */
  accept(socket: Socket): void;
  /** A socket turned away, and why (logged by the caller, rate-limited). */
  refuse(reason: string, socket: Socket): void;
}

export class BrokerListeners {
  private readonly servers: Server[] = [];
  private readonly connections: TokenBucket | undefined;

  constructor(private readonly options: ListenerOptions) {
    const perSec = options.connectionsPerSec;
    this.connections = perSec > 0 ? new TokenBucket(perSec, perSec, options.clock.now().getTime()) : undefined;
  }

  /** Listens on every port; on failure closes what was opened and throws the listen error. */
  async start(): Promise<void> {
    const { options } = this;
    const tcp = createTcpServer((socket) => this.admit(socket));
    this.servers.push(tcp);
    if (options.tls) {
      const { tls } = options;
      const secure = createTlsServer(
        { cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: tls.requireClientCert === true } : {}) },
        (socket) => this.admitTls(socket),
      );
      // Counted on the raw socket, before the handshake: the handshake is the expensive part.
      secure.on('connection', (raw: Socket) => this.overRate(raw));
      // A failed handshake (no client certificate, a plain MQTT client on the TLS port) is the client's problem, not ours.
      secure.on('tlsClientError', (error, socket) => options.refuse(`TLS handshake failed: ${error.message}`, socket));
      this.servers.push(secure);
    }
    try {
      await listen(tcp, options.port, options.host);
      if (options.tls) await listen(this.servers[1] as Server, options.tls.port, options.host);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** The plain port; the TLS one is `tlsPort`. */
  get port(): number {
    return boundPort(this.servers[0]);
  }

  get tlsPort(): number | undefined {
    return this.options.tls ? boundPort(this.servers[1]) : undefined;
  }

  get listening(): boolean {
    return this.servers.length > 0 && this.servers.every((s) => s.listening);
  }

  async stop(): Promise<void> {
    const servers = this.servers.splice(0);
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
  }

  private admit(socket: Socket): void {
    if (!this.overRate(socket)) this.options.accept(socket);
  }

  /** Destroys the socket (true) when the global connection rate is used up. */
  private overRate(socket: Socket): boolean {
    if (!this.connections || this.connections.tryTake(this.options.clock.now().getTime())) return false;
    this.options.refuse(`over ${this.options.connectionsPerSec} new connections a second`, socket);
    socket.destroy();
    return true;
  }

  private admitTls(socket: TLSSocket): void {
    // Client certificates optional: one presented must still be valid (rejectUnauthorized is off
    // so that devices without one get in, which would otherwise let a forged one in too).
    if (this.options.tls?.ca && !socket.authorized && socket.getPeerCertificate()?.subject) {
      this.options.refuse(`client certificate not accepted: ${String(socket.authorizationError)}`, socket);
      socket.destroy();
      return;
    }
    this.options.accept(socket);
  }
}

function boundPort(server: Server | undefined): number {
  const address = server?.address() as AddressInfo | null | undefined;
  if (!address) throw new Error('the embedded MQTT broker is not listening');
  return address.port;
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
