// Real MQTT.js clients over TCP for the broker suites.
import { createConnection } from 'node:net';
import { connect, MqttClient, type IClientOptions, type IConnackPacket } from 'mqtt';

export interface Connected {
  client: MqttClient;
  end(): Promise<void>;
}

/** Resolves when CONNACK accepted; rejects with the refusal (e.g. code 5). Never reconnects. */
export function connectClient(port: number, username?: string, password?: string, extra: IClientOptions = {}): Promise<Connected> {
  return new Promise((resolve, reject) => {
    const client = connect({ host: '127.0.0.1', port, username, password, reconnectPeriod: 0, connectTimeout: 5000, ...extra });
    client.once('connect', () => resolve({ client, end: () => client.endAsync().then(() => undefined) }));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));
}

/**
 * How a connection attempt ends: CONNACK accepted, refused with a CONNACK code, or closed
 * before any CONNACK (a socket cut at accept, a failed TLS handshake).
 */
export async function connectOutcome(options: IClientOptions & { localAddress?: string }): Promise<{ outcome: 'connected'; connack: IConnackPacket; client: MqttClient } | { outcome: 'refused'; code?: number }> {
  const { localAddress, ...rest } = options;
  const opts: IClientOptions = { host: '127.0.0.1', reconnectPeriod: 0, connectTimeout: 3000, ...rest };
  // MQTT.js cannot choose the local address; a stream of our own can (any 127.x.y.z is this machine).
  const client = localAddress ? new MqttClient(() => createConnection({ host: opts.host as string, port: opts.port as number, localAddress }), opts) : connect(opts);
  const result = await new Promise<{ outcome: 'connected'; connack: IConnackPacket; client: MqttClient } | { outcome: 'refused'; code?: number }>((resolve) => {
    client.once('connect', (connack) => resolve({ outcome: 'connected', connack, client }));
    client.once('error', (error) => resolve({ outcome: 'refused', code: (error as { code?: unknown }).code as number | undefined }));
    client.once('close', () => resolve({ outcome: 'refused' }));
  });
  if (result.outcome === 'refused') await client.endAsync(true);
  return result;
}
