// Where replayed messages go. A broker that enforces CONTRACT §1 credentials only lets a
// device write its own topics, so replaying a whole estate needs one connection per device.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { STREAM_QOS, deviceUsername, parseTopic, siteDevices, type SiteConfig } from '@estate-watch/contracts';
import { consoleLog, type SimLog } from '../common/log';
import type { ReplayMessage } from './replay';

export interface ReplayPublisher {
  publish(message: ReplayMessage): Promise<void>;
  close(): Promise<void>;
}

/** How a replayed message goes out: the contract's QoS for its stream; status retained. */
function publishOptions(topic: string): { qos: 0 | 1; retain: boolean } {
  const parsed = parseTopic(topic);
  if (!parsed.ok) return { qos: 1, retain: false };
  return { qos: STREAM_QOS[parsed.topic.stream], retain: parsed.topic.stream === 'status' };
}

/** Everything through one connection (a service account, or a broker without auth). */
export function clientPublisher(client: MqttClient): ReplayPublisher {
  return {
    async publish(message) {
      await client.publishAsync(message.topic, message.bytes, publishOptions(message.topic));
    },
    async close() {
      await client.endAsync();
    },
  };
}

export interface DevicePublisherOptions {
  url: string;
  sites: SiteConfig[];
  log?: SimLog;
  mqtt?: Partial<IClientOptions>;
}

/**
 * Each message through its device's own connection (`{site}:{device}` and its secret).
 * Messages on topics of no configured device are skipped and logged once per topic.
 */
export function devicePublisher(options: DevicePublisherOptions): ReplayPublisher {
  const log = options.log ?? consoleLog;
  const secrets = new Map<string, string>();
  for (const site of options.sites) {
    // A device whose site file gives only a secretHash cannot be impersonated: it counts as not configured here.
    for (const d of siteDevices(site)) if (d.secret !== undefined) secrets.set(deviceUsername(site.site.id, d.id), d.secret);
  }
  const clients = new Map<string, Promise<MqttClient>>();
  const skipped = new Set<string>();

  const clientFor = (username: string, password: string): Promise<MqttClient> => {
    let client = clients.get(username);
    if (!client) {
      client = connectAsync(options.url, {
        protocolVersion: 4,
        reconnectPeriod: 2000,
        ...options.mqtt,
        clientId: `replay-${username.replace(':', '-')}`,
        username,
        password,
      });
      clients.set(username, client);
    }
    return client;
  };

  return {
    async publish(message) {
      const parsed = parseTopic(message.topic);
      const username = parsed.ok ? deviceUsername(parsed.topic.site, parsed.topic.device) : undefined;
      const password = username ? secrets.get(username) : undefined;
      if (!username || password === undefined) {
        if (!skipped.has(message.topic)) log('warn', `replay: no configured device for ${message.topic}, skipped`);
        skipped.add(message.topic);
        return;
      }
      const client = await clientFor(username, password);
      await client.publishAsync(message.topic, message.bytes, publishOptions(message.topic));
    },
    async close() {
      const all = await Promise.allSettled(clients.values());
      await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.endAsync() : undefined)));
    },
  };
}

/** Connects and resolves on CONNACK; rejects on the first error (a refused replay should stop). */
export function connectAsync(url: string, options: IClientOptions): Promise<MqttClient> {
  const client = connect(url, options);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}
