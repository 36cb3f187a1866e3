// Starts one virtual device per device in the site files, each on its own MQTT connection.
import type { IClientOptions } from 'mqtt';
import { siteDevices, type DeviceKind, type SiteConfig } from '@estate-watch/contracts';
import { VirtualCheckpoint } from './devices/checkpoint';
import { systemClock, type Clock } from './common/clock';
import type { DeviceContext, VirtualDevice } from './devices/device';
import { VirtualDispenser } from './devices/dispenser';
import { VirtualGate } from './devices/gate';
import { consoleLog, type SimLog } from './common/log';
import type { EstateEvent } from './plans/estate-day';
import { openPatrol } from './plans/demo-opening';
import { EstateRunner, type EstateOptions } from './live/estate-runner';
import { PatrolWalker, type PatrolOptions } from './live/patrol-walker';
import { hashSeed, seededRandom } from './common/random';
import { VirtualSensor } from './devices/sensor';

export interface SimulatorOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883`. */
  url: string;
  sites: SiteConfig[];
  /** Heartbeats, gate auto-close and `ts` follow this clock. Default: wall clock. */
  clock?: Clock;
  log?: SimLog;
  /** Heartbeats on the clock (default true); false leaves them to `heartbeatAll()`. */
  heartbeats?: boolean;
  /** Credentials override; default `{site}:{device}` and the device's secret (CONTRACT §1). */
  credentials?: (site: string, device: { id: string; kind: DeviceKind; secret: string }) => { username: string; password: string };
  /** Only these devices, e.g. one gate for a focused scenario. */
  only?: (site: string, deviceId: string) => boolean;
  /** Firmware version each kind reports in its status. */
  fw?: Partial<Record<DeviceKind, string>>;
  /** Seed for the simulated physics (levels, readings, signal); same seed, same demo. */
  seed?: number;
  /** How long a gate stays open after an `open` command. Default 5000 ms. */
  gateHoldMs?: number;
  /** Extra MQTT.js options for every device, e.g. `{ reconnectPeriod: 500 }`. */
  mqtt?: Partial<IClientOptions>;
  /**
   * Guards walk the sites' routes on the clock, tapping the checkpoint devices (see PatrolWalker).
   * `true` for the default deviation rates; default off.
   */
  patrol?: boolean | PatrolOptions;
  /**
   * The living estate (see EstateRunner): cars through the gates with morning and evening peaks,
   * dispensers drained by use and refilled by the cleaning round, equipment on daily cycles with
   * seeded incidents. `true` for the defaults; default off.
   */
  estate?: boolean | EstateOptions;
  /**
   * The demo's opening (issue 12 point 9, demo-opening.ts): within two minutes a low dispenser, a
   * gate fault, a reading over its limit and a round under way with one early tap. Needs `patrol`
   * and `estate`; default off.
   */
  opening?: boolean;
}

export interface SimulatorHandle {
  readonly devices: readonly VirtualDevice[];
  /** The device with this id; `site` is needed only when several sites share an id. */
  device(id: string, site?: string): VirtualDevice;
  checkpoint(id: string, site?: string): VirtualCheckpoint;
  gate(id: string, site?: string): VirtualGate;
  dispenser(id: string, site?: string): VirtualDispenser;
  sensor(id: string, site?: string): VirtualSensor;
  /** The patrol walking the routes, when started with `patrol`. */
  readonly patrol: PatrolWalker | undefined;
  /** The living estate, when started with `estate`. */
  readonly estate: EstateRunner | undefined;
  /** Resolves when every powered device is online. */
  ready(): Promise<void>;
  /** One heartbeat from every online device; resolves when all were acknowledged. */
  heartbeatAll(): Promise<void>;
  /** Clean stop of every device: status online:false (unless `announce: false`), then DISCONNECT. */
  stop(options?: { announce?: boolean }): Promise<void>;
}

const DEFAULT_FW: Record<DeviceKind, string> = {
  checkpoint: 'nfc-cp 2.3.1',
  gate: 'barrier 1.8.0',
  dispenser: 'disp 0.9.4',
  sensor: 'iot-gw 3.1.2',
};

/**
 * Powers on every device and resolves once each has made its first connection attempt
 * (connected, or refused and now retrying: see the log). Await `ready()` to wait for all online.
 */
export async function startSimulator(options: SimulatorOptions): Promise<SimulatorHandle> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? consoleLog;
  const devices: VirtualDevice[] = [];
  for (const site of options.sites) {
    for (const spec of siteDevices(site)) {
      if (options.only && !options.only(site.site.id, spec.id)) continue;
      // Only a secretHash in the site file: the simulator cannot know the password, so it does not play that device.
      if (spec.secret === undefined) {
        log('warn', `simulator: ${site.site.id}:${spec.id} has only a secretHash; not simulated`);
        continue;
      }
      const creds = options.credentials?.(site.site.id, spec);
      const ctx: DeviceContext = {
        url: options.url,
        site: site.site,
        clock,
        log,
        random: seededRandom(hashSeed(`${site.site.id}:${spec.id}`, options.seed ?? 0)),
        username: creds?.username,
        password: creds?.password ?? spec.secret,
        fw: options.fw?.[spec.kind] ?? DEFAULT_FW[spec.kind],
        heartbeats: options.heartbeats ?? true,
        mqtt: options.mqtt ?? {},
      };
      devices.push(createDevice(site, spec, ctx, options.gateHoldMs ?? 5000));
    }
  }
  await Promise.all(devices.map((d) => d.powerOn()));
  const online = devices.filter((d) => d.online).length;
  log('info', `simulator: ${online} of ${devices.length} devices online at ${options.url}`);
  const simulator = new Simulator(devices);
  if (options.patrol) simulator.walk(options, clock, log);
  if (options.estate) simulator.live(options, clock, log);
  if (options.opening) simulator.open(options.sites, clock, log);
  return simulator;
}

function createDevice(site: SiteConfig, spec: ReturnType<typeof siteDevices>[number], ctx: DeviceContext, holdMs: number): VirtualDevice {
  switch (spec.kind) {
    case 'checkpoint':
      return new VirtualCheckpoint(spec, ctx);
    case 'gate':
      return new VirtualGate(spec, ctx, { holdMs });
    case 'dispenser':
      return new VirtualDispenser(spec, ctx);
    case 'sensor': {
      const cfg = site.sensors.find((s) => s.id === spec.id)!;
      return new VirtualSensor({ ...spec, limits: cfg.limits }, ctx);
    }
  }
}

class Simulator implements SimulatorHandle {
  patrol: PatrolWalker | undefined;
  estate: EstateRunner | undefined;

  constructor(readonly devices: readonly VirtualDevice[]) {}

  walk(options: SimulatorOptions, clock: Clock, log: SimLog): void {
    const patrol = options.patrol === true ? {} : options.patrol || {};
    // A checkpoint left out with `only` has no device here: its taps are simply not walked.
    const present = (site: string, id: string) => this.devices.some((d) => d.site === site && d.id === id && d instanceof VirtualCheckpoint);
    this.patrol = new PatrolWalker({
      seed: options.seed,
      ...patrol,
      sites: options.sites,
      clock,
      log,
      tap: async (t) => (present(t.siteId, t.checkpointId) ? this.checkpoint(t.checkpointId, t.siteId).tap(t.card, t.at) : undefined),
    }).start();
  }

  live(options: SimulatorOptions, clock: Clock, log: SimLog): void {
    const estate = options.estate === true ? {} : options.estate || {};
    const dispensers = this.devices.filter((d): d is VirtualDispenser => d instanceof VirtualDispenser);
    // The estate drives the levels now; a device draining by itself as well would count use twice.
    for (const d of dispensers) d.drains = false;
    this.estate = new EstateRunner({
      seed: options.seed,
      opening: options.opening,
      ...estate,
      sites: options.sites,
      clock,
      log,
      levels: (site) => Object.fromEntries(dispensers.filter((d) => d.site === site).map((d) => [d.id, d.level])),
      act: (event) => this.act(event),
    }).start();
  }

  /** The demo's opening on the patrol: one guard of a round about to start sets off early (the estate's part is EstateOptions.opening). */
  open(sites: SiteConfig[], clock: Clock, log: SimLog): void {
    const early = this.patrol && openPatrol(this.patrol, sites, clock.now());
    if (!early) return;
    log('info', `demo opening: ${early.tap.guardId} taps ${early.tap.checkpointId} early for the ${early.tap.routeId} round`);
  }

  /** One estate event through its device; a device left out with `only`, or powered off, misses it. */
  private async act(e: EstateEvent): Promise<unknown> {
    const device = this.devices.find((d) => d.site === e.siteId && d.id === e.device);
    if (!device) return;
    if (device.poweredOff) return e.kind === 'sensor' && e.action === 'online' ? device.powerOn() : undefined;
    switch (e.kind) {
      case 'gate': {
        const gate = device as VirtualGate;
        if (e.action === 'pass') return gate.pass(e.direction, e.plate, e.credential);
        if (e.action === 'denied') return gate.deny(e.direction, e.plate, e.reason);
        return gate.setBarrier(e.barrier, e.fault);
      }
      case 'dispenser': {
        const dispenser = device as VirtualDispenser;
        return e.action === 'refill' ? dispenser.refill() : dispenser.setLevel(e.level);
      }
      case 'sensor': {
        const sensor = device as VirtualSensor;
        switch (e.action) {
          case 'steer':
            return sensor.steer(e.readings);
          case 'pin':
            return sensor.setReading(e.name, e.value);
          case 'release':
            return sensor.releaseReading(e.name);
          case 'fault':
            return sensor.fault(e.code, e.text);
          case 'fault_cleared':
            return sensor.faultCleared(e.code);
          case 'offline':
            return sensor.goOffline();
          case 'online':
            return undefined;
        }
      }
    }
  }

  device(id: string, site?: string): VirtualDevice {
    const found = this.devices.filter((d) => d.id === id && (site === undefined || d.site === site));
    if (found.length === 0) throw new Error(`simulator has no device "${id}"${site ? ` on site "${site}"` : ''}`);
    if (found.length > 1) throw new Error(`device id "${id}" is on several sites; name the site`);
    return found[0]!;
  }

  checkpoint(id: string, site?: string): VirtualCheckpoint {
    return this.ofKind(id, site, VirtualCheckpoint);
  }

  gate(id: string, site?: string): VirtualGate {
    return this.ofKind(id, site, VirtualGate);
  }

  dispenser(id: string, site?: string): VirtualDispenser {
    return this.ofKind(id, site, VirtualDispenser);
  }

  sensor(id: string, site?: string): VirtualSensor {
    return this.ofKind(id, site, VirtualSensor);
  }

  async ready(): Promise<void> {
    await Promise.all(this.devices.filter((d) => !d.poweredOff).map((d) => d.whenOnline()));
  }

  async heartbeatAll(): Promise<void> {
    await Promise.all(this.devices.filter((d) => d.online).map((d) => d.heartbeat()));
  }

  async stop(options: { announce?: boolean } = {}): Promise<void> {
    this.patrol?.stop();
    this.estate?.stop();
    await Promise.all(this.devices.map((d) => d.stop(options)));
  }

  private ofKind<T extends VirtualDevice>(id: string, site: string | undefined, type: new (...args: never[]) => T): T {
    const device = this.device(id, site);
    if (!(device instanceof type)) throw new Error(`device "${id}" is a ${device.kind}, not a ${type.name.replace('Virtual', '').toLowerCase()}`);
    return device;
  }
}
