// One virtual device: its own MQTT connection, credentials, last will, status heartbeat and
// message ids. The kinds (checkpoint, gate, dispenser, sensor) add what they observe.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { buildTopic, deviceUsername, type DeviceKind, type UpstreamStream } from '@estate-watch/contracts';
import { every, type Cancel, type Clock } from '../common/clock';
import type { SimLog } from '../common/log';
import { Outbox } from './outbox';
import { newBootId, type Random } from '../common/random';
import { formatTs } from '../common/time';
import { withTimeout } from '../common/timeout';

/** What the simulator hands each device. */
export interface DeviceContext {
  url: string;
  site: { id: string; timezone: string; heartbeatSec: number };
  clock: Clock;
  log: SimLog;
  random: Random;
  username?: string;
  password: string;
  fw: string;
  /** Heartbeats run on `clock`; false leaves them to `heartbeat()` calls. */
  heartbeats: boolean;
  mqtt: Partial<IClientOptions>;
}

export interface DeviceSpec {
  id: string;
  name: string;
}

export interface PublishOptions {
  /** When the device observed it (the `ts`); default: the clock's now. */
  at?: Date | number;
  /** The payload `id`; default `{bootId}-{counter}`. Acks reuse the command's id. */
  id?: string;
  retain?: boolean;
}

/** A published payload, as sent. */
export type Sent = { id: string; ts: string } & Record<string, unknown>;

/** CONTRACT §1: the last will is exactly `{"online":false}`, no id or ts. */
const LAST_WILL = JSON.stringify({ online: false });
/** A clean stop should not hang on a broker that is gone; after this the socket is dropped. */
const STOP_TIMEOUT_MS = 3000;

export abstract class VirtualDevice {
  abstract readonly kind: DeviceKind;
  readonly id: string;
  readonly name: string;
  protected readonly ctx: DeviceContext;
  protected client: MqttClient | undefined;
  private bootId = newBootId();
  private counter = 0;
  private stopHeartbeat: Cancel | undefined;
  private lastError: string | undefined;
  private onlineWaiters: Array<() => void> = [];
  private isOnline = false;
  private powered = false;
  private networkUp = true;
  private readonly outbox = new Outbox();
  private readonly rssiBase: number;

  constructor(spec: DeviceSpec, ctx: DeviceContext) {
    this.id = spec.id;
    this.name = spec.name;
    this.ctx = ctx;
    this.rssiBase = -45 - Math.round(ctx.random() * 35);
  }

  get site(): string {
    return this.ctx.site.id;
  }

  get username(): string {
    return this.ctx.username ?? deviceUsername(this.site, this.id);
  }

  get clientId(): string {
    return `sim-${this.site}-${this.id}`;
  }

  /** Connected, subscribed and its online status acknowledged. */
  get online(): boolean {
    return this.isOnline;
  }

  /** True before `powerOn()` and between `goOffline()`/`stop()` and the next `powerOn()`. */
  get poweredOff(): boolean {
    return !this.powered;
  }

  /** Messages held while the network is down (see `loseNetwork()`). */
  get buffered(): number {
    return this.outbox.size;
  }

  topic(stream: UpstreamStream | 'cmd'): string {
    return buildTopic({ site: this.site, kind: this.kind, device: this.id, stream });
  }

  /** Powers the device on with a new boot id. Resolves after the first connection attempt settles. */
  powerOn(): Promise<void> {
    if (this.powered) return Promise.resolve();
    this.powered = true;
    this.networkUp = true;
    this.bootId = newBootId();
    this.counter = 0;
    return this.connectClient();
  }

  /**
   * The network drops while the device keeps running: the broker publishes the last will, and
   * everything the device publishes meanwhile is held and sent in order by `restoreNetwork()`.
   */
  async loseNetwork(): Promise<void> {
    if (!this.powered || !this.networkUp) return;
    this.networkUp = false;
    await this.detach()?.endAsync(true);
  }

  /** The network is back: reconnect (same boot), announce online, then send what was held. */
  restoreNetwork(): Promise<void> {
    if (!this.powered || this.networkUp) return Promise.resolve();
    this.networkUp = true;
    return this.connectClient();
  }

  private connectClient(): Promise<void> {
    const client = connect(this.ctx.url, {
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      // A device refused by the broker keeps trying, as a real one would after a config fix.
      reconnectOnConnackError: true,
      resubscribe: false,
      ...this.ctx.mqtt,
      clientId: this.clientId,
      username: this.username,
      password: this.ctx.password,
      will: { topic: this.topic('status'), payload: Buffer.from(LAST_WILL), qos: 1, retain: true },
    });
    this.client = client;
    const settled = new Promise<void>((resolve) => {
      client.once('close', () => resolve());
      this.onlineWaiters.push(resolve);
    });
    client.on('connect', () => void this.onConnect(client));
    client.on('close', () => {
      // A connection already replaced (power cycle, network restored) must not touch the new one.
      if (this.client !== client) return;
      // Only a device that was up says it lost the line; a refused one already said why.
      if (this.isOnline) this.report(`${this.username}: connection lost, reconnecting`);
      this.onClose();
    });
    client.on('error', (err) => this.report(`${this.username}: ${err.message}`));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    return settled;
  }

  /** Resolves when the device is next online (immediately if it is). */
  whenOnline(): Promise<void> {
    if (this.isOnline) return Promise.resolve();
    return new Promise((resolve) => this.onlineWaiters.push(resolve));
  }

  /** Status, then the kind's telemetry (CONTRACT §1: status every heartbeatSec). */
  async heartbeat(): Promise<void> {
    this.beforeHeartbeat();
    await this.publishStatus(true);
    const telemetry = this.telemetry();
    if (telemetry) await this.publish('telemetry', telemetry);
  }

  /** Publishes `body` with a fresh `id` and `ts`; resolves with the payload once the broker acknowledged it. */
  async publish(stream: UpstreamStream, body: Record<string, unknown>, options: PublishOptions = {}): Promise<Sent> {
    const at = options.at === undefined ? this.ctx.clock.now() : new Date(options.at).getTime();
    const payload: Sent = { id: options.id ?? this.nextId(), ts: formatTs(at, this.ctx.site.timezone), ...body };
    await this.publishRaw(stream, JSON.stringify(payload), options.retain ?? stream === 'status');
    return payload;
  }

  /** Publishes bytes as they are: for scenarios with malformed or hostile payloads. */
  async publishRaw(stream: UpstreamStream, bytes: string | Buffer, retain = false): Promise<void> {
    if (!this.powered) throw new Error(`${this.id} is powered off`);
    if (!this.networkUp) return this.outbox.hold(stream, bytes, retain);
    await this.sendNow(stream, bytes, retain);
  }

  /** Power loss: the socket dies without DISCONNECT, so the broker publishes the last will. */
  async goOffline(): Promise<void> {
    this.powerDown('power lost before the network came back');
    await this.detach()?.endAsync(true);
  }

  /** Clean shutdown, as a real device does it: status online:false, then DISCONNECT (no last will). */
  /**
   * Clean stop. `announce: false` disconnects without an offline status: the demo uses it when
   * the whole estate stops with the server, so a restart does not flood the control room.
   */
  async stop(options: { announce?: boolean } = {}): Promise<void> {
    const client = this.client;
    if (client?.connected && options.announce !== false) {
      try {
        await withTimeout(this.publishStatus(false), STOP_TIMEOUT_MS);
      } catch (err) {
        this.ctx.log('warn', `${this.username}: offline status not sent on stop (${(err as Error).message})`);
      }
    }
    this.powerDown('stopped before the network came back');
    this.detach();
    if (client) await withTimeout(client.endAsync(!client.connected), STOP_TIMEOUT_MS).catch(() => client.end(true));
  }

  protected nextId(): string {
    this.counter += 1;
    return `${this.bootId}-${this.counter}`;
  }

  protected now(): number {
    return this.ctx.clock.now();
  }

  /** The kind's telemetry sent with each heartbeat, if it has any. */
  protected telemetry(): Record<string, unknown> | undefined {
    return undefined;
  }

  /** Status fields besides online/fw/rssi, e.g. battery for battery-powered devices. */
  protected statusExtras(): Record<string, unknown> {
    return {};
  }

  /** Lets a kind move its simulated physics on before a heartbeat is reported. */
  protected beforeHeartbeat(): void {}

  /** Called on every (re)connection before the online status; gates subscribe to cmd here. */
  protected async onConnected(_client: MqttClient): Promise<void> {}

  protected onCommand(_payload: Buffer): void {}

  protected report(message: string): void {
    // One line per change of trouble, not one per reconnect attempt every two seconds.
    if (message === this.lastError) return;
    this.lastError = message;
    this.ctx.log('warn', message);
  }

  private publishStatus(online: boolean): Promise<Sent> {
    const rssi = this.rssiBase + Math.round((this.ctx.random() - 0.5) * 6);
    return this.publish('status', { online, fw: this.ctx.fw, ...this.statusExtras(), rssi }, { retain: true });
  }

  private async onConnect(client: MqttClient): Promise<void> {
    try {
      await this.onConnected(client);
      await this.publishStatus(true);
      const telemetry = this.telemetry();
      if (telemetry) await this.publish('telemetry', telemetry);
      await this.outbox.flush((stream, bytes, retain) => this.sendNow(stream, bytes, retain));
    } catch (err) {
      this.report(`${this.username}: could not announce itself (${(err as Error).message})`);
      return;
    }
    if (this.client !== client) return;
    if (this.lastError !== undefined) this.ctx.log('info', `${this.username}: connected again`);
    this.lastError = undefined;
    this.isOnline = true;
    this.stopHeartbeat?.();
    if (this.ctx.heartbeats) {
      this.stopHeartbeat = every(this.ctx.clock, this.ctx.site.heartbeatSec * 1000, () => {
        if (this.isOnline) this.heartbeat().catch((err: Error) => this.report(`${this.username}: heartbeat failed (${err.message})`));
      });
    }
    const waiters = this.onlineWaiters;
    this.onlineWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private onClose(): void {
    this.isOnline = false;
    this.stopHeartbeat?.();
    this.stopHeartbeat = undefined;
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic === this.topic('cmd')) this.onCommand(payload);
  }

  private async sendNow(stream: UpstreamStream, bytes: string | Buffer, retain: boolean): Promise<void> {
    const client = this.client;
    if (!client) throw new Error(`${this.id} has no connection`);
    await client.publishAsync(this.topic(stream), bytes, { qos: 1, retain });
  }

  private powerDown(reason: string): void {
    this.powered = false;
    this.networkUp = true;
    this.outbox.rejectAll(reason);
  }

  private detach(): MqttClient | undefined {
    const client = this.client;
    this.client = undefined;
    this.onClose();
    return client;
  }
}
