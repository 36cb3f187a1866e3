// Real MQTT.js clients over TCP for the broker suites.
import { connect, type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';

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
export async function connectOutcome(options: IClientOptions): Promise<{ outcome: 'connected'; connack: IConnackPacket; client: MqttClient } | { outcome: 'refused'; code?: number }> {
  const client = connect({ host: '127.0.0.1', reconnectPeriod: 0, connectTimeout: 3000, ...options });
  const result = await new Promise<{ outcome: 'connected'; connack: IConnackPacket; client: MqttClient } | { outcome: 'refused'; code?: number }>((resolve) => {
    client.once('connect', (connack) => resolve({ outcome: 'connected', connack, client }));
    client.once('error', (error) => resolve({ outcome: 'refused', code: (error as { code?: unknown }).code as number | undefined }));
    client.once('close', () => resolve({ outcome: 'refused' }));
  });
  if (result.outcome === 'refused') await client.endAsync(true);
  return result;
}
