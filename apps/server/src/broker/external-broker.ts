// MQTT_URL set: the server is a client of an external broker (e.g. Mosquitto, configured from
// deploy/mosquitto). It subscribes to every device topic at QoS 1 and acknowledges a message
// only after its commit.
//
// How: MQTT.js sends a QoS 1 PUBACK after `handleMessage(packet, callback)` calls back, and
// processes one incoming packet at a time (README: "Handle messages with backpressure
// support, one at a time"). `customHandleAcks` is not used: MQTT.js honours it for MQTT 5 only.
// The price of one-at-a-time is one commit per message on this path (throughput = 1 / commit
// latency); the broker queues the rest, hence a large max_queued_messages in mosquitto.conf.
//
// The external broker does not say who published, so its ACL must hold devices to their own
// topics; the server still validates everything else.
import type { Socket } from 'node:net';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { TOPIC_ROOT } from '@estate-watch/contracts';
import type { IngestSink } from './embedded-broker';
import { payloadBytes, type MqttTransport, type PublishOptions } from './mqtt-transport';

/** Every device topic: estate/v1/{site}/{kind}/{device}/{stream}. */
export const DEVICE_TOPICS = `${TOPIC_ROOT}/+/+/+/+`;

export interface ExternalBrokerOptions {
  url: string;
  username?: string;
  password?: string;
  /** Stable across restarts so the broker keeps the session and queues while the server is away. */
  clientId?: string;
  /** Subscription filter; every device topic by default. Narrower only in tests on a shared broker. */
  topics?: string;
  /** How long start() waits for the first connection. */
  connectTimeoutMs?: number;
}

export class ExternalBroker implements MqttTransport {
  private client: MqttClient | undefined;

  constructor(
    private readonly ingest: IngestSink,
    private readonly options: ExternalBrokerOptions,
    private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'> = new Logger('Broker'),
  ) {}

  async start(): Promise<void> {
    const opts: IClientOptions = {
      clientId: this.options.clientId ?? `estate-watch-${hostname()}`.slice(0, 23),
      // A persistent session: QoS 1 messages published while the server is down wait in the broker.
      clean: false,
      username: this.options.username,
      password: this.options.password,
      reconnectPeriod: 1000,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      protocolVersion: 4,
    };
    const client = connect(this.options.url, opts);
    client.handleMessage = (packet, callback) => this.handleMessage(client, packet, callback);
    const topics = this.options.topics ?? DEVICE_TOPICS;
    client.on('connect', () => {
      // One PUBACK per message, each waiting on the last: Nagle's algorithm would hold them back.
      (client.stream as Partial<Socket>).setNoDelay?.(true);
      client.subscribe(topics, { qos: 1 }, (error, granted) => {
        if (error || granted?.[0]?.qos === 128) this.logger.error(`the broker refused our subscription to ${topics}: check the service account's ACL`);
      });
    });
    client.on('error', (error) => this.logger.warn(`MQTT_URL broker: ${error.message}`));
    this.client = client;
    await this.firstConnection(client, this.options.connectTimeoutMs ?? 10_000);
  }

  isUp(): boolean {
    return this.client?.connected === true;
  }

  async publish(topic: string, payload: string | Uint8Array | object, options: PublishOptions = {}): Promise<void> {
    if (!this.client) throw new Error('not connected to the MQTT_URL broker');
    await this.client.publishAsync(topic, payloadBytes(payload), { qos: options.qos ?? 1, retain: options.retain ?? false });
  }

  /**
   * Disconnects. `force` drops the connection at once, as a crash would: messages not yet
   * committed are not acknowledged and the broker redelivers them to the next session.
   */
  async stop(force = false): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync(force);
  }

  private handleMessage(client: MqttClient, packet: IPublishPacket, callback: (error?: Error) => void): void {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    this.ingest.submit({ topic: packet.topic, payload }).then(
      () => callback(),
      (error: unknown) => {
        // Not committed, so not acknowledged. Reconnect: the broker then redelivers it.
        this.logger.error(`could not store a message from the broker; reconnecting so it is redelivered: ${String(error)}`);
        callback(error instanceof Error ? error : new Error(String(error)));
        client.stream.destroy();
      },
    );
  }

  private firstConnection(client: MqttClient, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        client.end(true);
        reject(new Error(`cannot connect to the MQTT broker at MQTT_URL (${redact(this.options.url)}): ${why}. Check MQTT_URL and the service account, or unset MQTT_URL to run the embedded broker.`));
      };
      const timer = setTimeout(() => fail(`no connection within ${timeoutMs / 1000} s`), timeoutMs);
      client.once('connect', () => {
        clearTimeout(timer);
        client.removeListener('error', onError);
        resolve();
      });
      const onError = (error: Error & { code?: number | string }) => {
        // A refused CONNACK will not get better by retrying.
        if (typeof error.code === 'number') fail(error.message);
      };
      client.on('error', onError);
    });
  }
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
