// 100 sensors sending QoS 1 telemetry in order per device (at most 20 unacknowledged each, as
// firmware with an offline buffer does). Every message is remembered with when it was
// published and acknowledged, so a suite can count what was sent, acknowledged, stored, lost.
import { connect, type MqttClient } from 'mqtt';
import { buildTopic, deviceUsername } from '@estate-watch/contracts';

export const SITE_ID = 'ft';
export const LIMIT_MAX = 80;

export interface SentMessage {
  device: string;
  n: number;
  id: string;
  value: number;
  publishedAt: number;
  ackedAt?: number;
}

/** Reading n of a device: over the limit (90) every 50th message, else 60 (cleared: ≤ 75). Each raise opens an alert and a work order. */
export const valueOf = (n: number) => (n % 50 === 49 ? 90 : 60);

export class Fleet {
  readonly clients = new Map<string, MqttClient>();
  readonly sent: SentMessage[] = [];
  private readonly next = new Map<string, number>();
  private readonly base = Date.now() - 20 * 60_000;
  acked = 0;

  constructor(
    private readonly url: string,
    readonly devices: string[],
    private readonly tag: string,
  ) {}

  async connectAll(): Promise<void> {
    await Promise.all(
      this.devices.map(
        (id) =>
          new Promise<void>((resolve, reject) => {
            const client = connect(this.url, {
              clientId: `${this.tag}-${id}`,
              clean: false,
              username: deviceUsername(SITE_ID, id),
              password: `secret-${id}`,
              reconnectPeriod: 250,
              connectTimeout: 5_000,
              keepalive: 30,
            });
            client.on('error', () => undefined); // refused while the server or broker is away: it retries
            client.once('connect', () => resolve());
            setTimeout(() => reject(new Error(`${id} did not connect to ${this.url}`)), 60_000).unref();
            this.clients.set(id, client);
          }),
      ),
    );
  }

  /** Resolves once every device is connected again (after a broker restart). */
  async reconnected(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ([...this.clients.values()].some((c) => !c.connected)) {
      if (Date.now() > until) throw new Error('devices did not reconnect');
      await sleep(100);
    }
  }

  /**
   * Every device sends `perDevice` messages (or, with `stop`, until it says so), one every
   * `intervalMs` (0: as fast as the acknowledgements allow), in order, ≤ 20 unacknowledged.
   */
  async send(options: { perDevice?: number; intervalMs?: number; stop?: () => boolean }): Promise<void> {
    const { perDevice = Infinity, intervalMs = 0, stop = () => false } = options;
    await Promise.all(
      [...this.clients].map(async ([device, client]) => {
        const inFlight = new Set<Promise<unknown>>();
        const started = Date.now();
        for (let i = 0; i < perDevice && !stop(); i++) {
          if (intervalMs > 0) {
            const due = started + i * intervalMs;
            if (due > Date.now()) await sleep(due - Date.now());
            if (stop()) break;
          }
          const n = this.next.get(device) ?? 0;
          this.next.set(device, n + 1);
          const m: SentMessage = { device, n, id: `m${n}`, value: valueOf(n), publishedAt: Date.now() };
          this.sent.push(m);
          const body = { id: m.id, ts: new Date(this.base + n * 10).toISOString(), readings: { temperature_c: m.value } };
          const topic = buildTopic({ site: SITE_ID, kind: 'sensor', device, stream: 'telemetry' });
          const p = publishUntilAcked(client, topic, JSON.stringify(body)).then(() => {
            m.ackedAt = Date.now();
            this.acked++;
          });
          const tracked = p.finally(() => inFlight.delete(tracked));
          inFlight.add(tracked);
          if (inFlight.size >= 20) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
      }),
    );
  }

  async end(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.endAsync(true).catch(() => undefined)));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * MQTT.js fails a publish it had not sent yet ("Connection closed") when the connection drops
 * while it is resending its session: firmware sends such a message again, with the same id.
 * Resending at once (the client queues it while offline) keeps the device's order.
 */
async function publishUntilAcked(client: MqttClient, topic: string, payload: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.publishAsync(topic, payload, { qos: 1 });
      return;
    } catch (error) {
      if (attempt >= 10_000) throw error;
    }
  }
}
