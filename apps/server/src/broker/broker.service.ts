// Chooses the transport from the environment (CONTRACT §7: MQTT_URL unset → embedded broker on
// MQTT_PORT) and ties it to the Nest lifecycle. Ingest replays before the broker accepts anything.
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ENV, type Env } from '../config/env';
import { loadBrokerTls, loadServerTls } from '../config/tls-files';
import { IngestService } from '../ingest/ingest.service';
import { evictedDevices } from '../sites/site-diff';
import { SitesService, type SitesReplaced } from '../sites/sites.service';
import type { ServiceAccount } from './device-acl';
import { EmbeddedBroker, type EmbeddedBrokerOptions } from './embedded-broker';
import type { DynsecConnection } from './dynsec-admin';
import { ExternalBroker } from './external-broker';
import { reloadExternalBroker } from './external-reload';
import type { MqttTransport, PublishOptions } from './mqtt-transport';

export const BROKER_OPTIONS = Symbol('BROKER_OPTIONS');

export interface BrokerOptions {
  /** Interface the embedded broker binds; all by default. */
  host?: string;
  /** Packet-size cap of the embedded broker, bytes; 16 KiB by default. */
  maxPacketBytes?: number;
}

@Injectable()
export class BrokerService implements MqttTransport, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Broker');
  private readonly transport: EmbeddedBroker | ExternalBroker;
  private started: Promise<number> | undefined;
  /** Several servers (cluster/): this server's name among the lease holders. */
  readonly node: string | undefined;

  /** The external broker's side of the last reload (tests wait for it). */
  reloaded: Promise<void> = Promise.resolve();
  /** Behind MQTT_URL with MQTT_DYNSEC on: how the server reaches the broker's dynamic-security plugin. */
  private readonly dynsec: DynsecConnection | undefined;

  constructor(
    @Inject(ENV) private readonly env: Env,
    private readonly sites: SitesService,
    private readonly ingest: IngestService,
    @Optional() @Inject(BROKER_OPTIONS) options: BrokerOptions | null = null,
  ) {
    const service: ServiceAccount | undefined =
      env.mqttServiceUsername && env.mqttServicePassword ? { username: env.mqttServiceUsername, password: env.mqttServicePassword } : undefined;
    // Random per start, never the host name: a recreated container is a new holder of the same shards.
    this.node = env.mqttUrl && env.cluster ? (env.clusterNodeId ?? randomBytes(4).toString('hex')) : undefined;
    this.transport = env.mqttUrl
      ? new ExternalBroker(
          ingest,
          {
            url: env.mqttUrl,
            username: service?.username,
            password: service?.password,
            devices: sites.allDevices(),
            clientId: env.mqttClientId,
            shards: env.mqttShards,
            node: this.node,
            ...loadBrokerTls(env),
          },
          this.logger,
        )
      : new EmbeddedBroker(ingest, sites, { port: env.mqttPort, host: options?.host, maxPacketBytes: options?.maxPacketBytes, serviceAccount: service, ...embeddedSettings(env) }, this.logger);
    this.dynsec =
      env.mqttUrl && env.mqttDynsec
        ? { url: env.mqttUrl, username: service?.username, password: service?.password, clientIdPrefix: env.mqttClientId ?? 'estate-watch', ...loadBrokerTls(env) }
        : undefined;
    sites.replaced$.subscribe((replaced) => this.sitesReplaced(replaced));
  }

  /**
   * Issue 13 point 5: a removed or re-keyed device loses its connection at once. The embedded
   * broker closes it here; behind MQTT_URL the external broker holds it, and its
   * dynamic-security users are changed through the plugin (external-reload.ts).
   */
  private sitesReplaced({ diff }: SitesReplaced): void {
    if (this.transport instanceof ExternalBroker) {
      // never a rejection left unhandled: a reload must not stop the server
      this.reloaded = reloadExternalBroker(this.transport, diff, this.sites, this.dynsec, this.logger).catch((error: Error) =>
        this.logger.error(`site files reloaded, but the MQTT_URL broker could not follow: ${error.message}`),
      );
      return;
    }
    const gone = evictedDevices(diff);
    if (gone.length === 0) return;
    const closed = this.transport.evict(gone);
    this.logger.log(`site files reloaded: ${gone.length} device${gone.length === 1 ? '' : 's'} removed or re-keyed, ${closed} live connection${closed === 1 ? '' : 's'} closed`);
  }

  /** How many argon2 verifications the embedded broker ran (each secretHash once per device, not per CONNECT). */
  get hashVerifications(): number {
    return this.transport instanceof EmbeddedBroker ? this.transport.hashed.verifications : 0;
  }

  /** The external broker's connections, for the cluster to hand shards to; undefined with the embedded broker. */
  get external(): ExternalBroker | undefined {
    return this.transport instanceof ExternalBroker ? this.transport : undefined;
  }

  get mode(): 'embedded' | 'external' {
    return this.transport instanceof EmbeddedBroker ? 'embedded' : 'external';
  }

  /** The embedded broker's MQTT-over-TLS port (MQTTS_PORT); undefined without one. */
  get tlsPort(): number | undefined {
    return this.transport instanceof EmbeddedBroker ? this.transport.tlsPort : undefined;
  }

  /** The embedded broker's bound port (MQTT_PORT=0 picks one); undefined with MQTT_URL. */
  get port(): number | undefined {
    return this.transport instanceof EmbeddedBroker ? this.transport.port : undefined;
  }

  /**
   * Idempotent (Nest also calls it on bootstrap). Resolves with the port devices connect to:
   * the embedded broker's bound port, or MQTT_URL's port.
   */
  start(): Promise<number> {
    this.started ??= this.startOnce();
    return this.started;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => undefined);
    this.started = undefined;
    await this.transport.stop();
  }

  private async startOnce(): Promise<number> {
    await this.ingest.start();
    const transport = this.transport;
    if (transport instanceof EmbeddedBroker) {
      const port = await transport.start();
      const tls = transport.tlsPort === undefined ? '' : `, MQTT over TLS on port ${transport.tlsPort}`;
      this.logger.log(`embedded MQTT broker listening on port ${port}${tls}`);
      return port;
    }
    await transport.start();
    this.logger.log('connected to the MQTT broker at MQTT_URL');
    return Number(new URL(this.env.mqttUrl as string).port || 1883);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  publish(topic: string, payload: string | Uint8Array | object, options?: PublishOptions): Promise<void> {
    return this.transport.publish(topic, payload, options);
  }

  isUp(): boolean {
    return this.transport.isUp();
  }
}

/**
 * Limits, TLS and the session store from the environment. The limits run on wall time, not the
 * app's clock: they meter network traffic, and a test's frozen clock would never refill them.
 */
function embeddedSettings(env: Env): Pick<EmbeddedBrokerOptions, 'limits' | 'tls' | 'dataDir'> {
  const tls = env.mqttsPort === undefined ? undefined : loadServerTls(env);
  return {
    limits: env.brokerLimits,
    dataDir: env.dataDir,
    ...(tls && env.mqttsPort !== undefined ? { tls: { port: env.mqttsPort, cert: tls.cert, key: tls.key, ca: tls.ca, requireClientCert: env.mqttsRequireClientCert } } : {}),
  };
}
