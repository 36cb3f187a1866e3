// Records live traffic to JSON Lines (CONTRACT §7) for replay in tests and demos.
import { EventEmitter } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { TOPIC_ROOT } from '@estate-watch/contracts';
import { systemClock, type Clock } from '../common/clock';
import { consoleLog, type SimLog } from '../common/log';
import { encodeRecordedLine } from './recording';
import { formatTs } from '../common/time';

export interface RecorderOptions {
  url: string;
  username?: string;
  password?: string;
  /** A file path (appended to) or a stream. */
  out: string | Writable;
  /** Default `estate/v1/#`: everything devices and the server say. */
  topic?: string;
  /** Receive times are written in this zone's offset; default UTC (`Z`). */
  timeZone?: string;
  clock?: Clock;
  log?: SimLog;
  clientId?: string;
  mqtt?: Partial<IClientOptions>;
}

export interface RecorderEvents {
  /** A line was written. */
  line: [line: string];
}

export class Recorder extends EventEmitter<RecorderEvents> {
  private client: MqttClient | undefined;
  private readonly out: Writable;
  private readonly ownsOut: boolean;
  private lines = 0;

  constructor(private readonly options: RecorderOptions) {
    super();
    this.ownsOut = typeof options.out === 'string';
    this.out = typeof options.out === 'string' ? createWriteStream(options.out, { flags: 'a' }) : options.out;
  }

  /** Lines written so far. */
  get count(): number {
    return this.lines;
  }

  /** Connects and subscribes; resolves once the broker granted the subscription. */
  async start(): Promise<void> {
    const o = this.options;
    const log = o.log ?? consoleLog;
    const topic = o.topic ?? `${TOPIC_ROOT}/#`;
    const client = connect(o.url, {
      protocolVersion: 4,
      reconnectPeriod: 2000,
      ...o.mqtt,
      clientId: o.clientId ?? `recorder-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      username: o.username,
      password: o.password,
    });
    this.client = client;
    client.on('error', (err) => log('warn', `recorder: ${err.message}`));
    let unreachable = false;
    client.on('offline', () => {
      if (!unreachable) log('warn', `recorder: ${o.url} unreachable, retrying`);
      unreachable = true;
    });
    client.on('connect', () => {
      if (unreachable) log('info', `recorder: connected to ${o.url}`);
      unreachable = false;
    });
    client.on('message', (t, payload, packet) => this.write(t, payload, packet.retain));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    const granted = await client.subscribeAsync(topic, { qos: 1 });
    if (granted.some((g) => g.qos === 128)) throw new Error(`recorder: broker refused the subscription to ${topic}`);
    log('info', `recorder: subscribed to ${topic} at ${o.url}`);
  }

  /** Disconnects and, for a file it opened, closes it after everything is written. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync();
    if (this.ownsOut) await new Promise<void>((resolve) => this.out.end(resolve));
  }

  private write(topic: string, payload: Buffer, retained: boolean): void {
    const clock = this.options.clock ?? systemClock;
    const now = clock.now();
    const t = this.options.timeZone ? formatTs(now, this.options.timeZone) : new Date(now).toISOString();
    const line = encodeRecordedLine(t, topic, payload, retained);
    this.out.write(`${line}\n`);
    this.lines += 1;
    this.emit('line', line);
  }
}
