// Real MQTT.js clients over TCP for the broker suites.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

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
