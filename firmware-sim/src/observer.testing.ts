// Test-only: a service-account client that collects every message and lets a test await one.
import { connect, type MqttClient } from 'mqtt';
import { SERVICE_PASSWORD, SERVICE_USER } from './broker.testing';

export interface Seen {
  topic: string;
  bytes: Buffer;
  text: string;
  json: any;
  retain: boolean;
}

export interface Observer {
  client: MqttClient;
  messages: Seen[];
  /** Resolves with the first message (already seen or future) matching `match`. */
  waitFor(match: (m: Seen) => boolean, what?: string): Promise<Seen>;
  /** Resolves once `count` messages match. */
  waitForCount(match: (m: Seen) => boolean, count: number, what?: string): Promise<Seen[]>;
  close(): Promise<void>;
}

export async function startObserver(url: string, topic = 'estate/v1/#'): Promise<Observer> {
  const client = connect(url, { username: SERVICE_USER, password: SERVICE_PASSWORD, reconnectPeriod: 0, clientId: `observer-${Math.random().toString(16).slice(2)}` });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const messages: Seen[] = [];
  const waiters: Array<() => void> = [];
  client.on('message', (t, payload, packet) => {
    const text = payload.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    messages.push({ topic: t, bytes: payload, text, json, retain: packet.retain });
    for (const w of [...waiters]) w();
  });
  await client.subscribeAsync(topic, { qos: 1 });

  const waitForCount = (match: (m: Seen) => boolean, count: number, what = 'message'): Promise<Seen[]> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = messages.filter(match);
        if (found.length < count) return false;
        resolve(found.slice(0, count));
        return true;
      };
      if (check()) return;
      // A readable failure instead of vitest's bare timeout when an expected message never comes.
      const timer = setTimeout(() => reject(new Error(`observer: timed out waiting for ${count} × ${what} (have ${messages.filter(match).length})`)), 10_000);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(waiter), 1);
      };
      waiters.push(waiter);
    });

  return {
    client,
    messages,
    waitForCount,
    waitFor: async (match, what) => (await waitForCount(match, 1, what))[0]!,
    close: () => client.endAsync(),
  };
}
