import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Subject } from 'rxjs';
import { alertMessage, type DeviceDto } from '@estate-watch/contracts';
import { clockSkewMs, silentBefore, silentFrom, statusAlerts, statusAlertsHeld } from '@estate-watch/domain';
import { OFFLINE_AFTER_HEARTBEATS } from '@estate-watch/contracts';
import { AlertsService, type AlertChangeRequest, type AlertWrites, type RaiseAlert } from '../alerts/alerts.service';
import { CLOCK, type Clock } from '../common/clock';
import type { NextDue } from '../common/periodic';
import type { AcceptedMessage, MessageHandler, MessageSelector } from '../ingest/accepted-message';
import { IngestHandler } from '../ingest/ingest-handler';
import { SitesService } from '../sites/sites.service';
import { DevicesRepository, type StatusOutcome, type StatusUpdate, type StoredDevice } from './devices.repository';

/** Live `device` events for values are coalesced: at most one per device per this interval. */
const VALUE_EVENT_INTERVAL_MS = 2_000;

/**
 * Online / offline and clock skew (CONTRACT §4): from `status`, the last will, and silence for
 * 3 × heartbeatSec. A MessageHandler fed by ingest; the silence sweep is driven by the caller's clock.
 */
@IngestHandler()
@Injectable()
export class DevicesService implements MessageHandler, OnModuleDestroy {
  readonly name = 'devices';
  /**
   * Statuses only. Other streams change what the device's screens show too (`lastValues`,
   * `lastSeenAt`, written by ingest's commit): committedHere schedules their `device` events on
   * the server that committed them, from memory, so in a cluster the server running this
   * pipeline does not read every message back for them.
   */
  readonly selects: MessageSelector = { streams: ['status'] };
  readonly changes$ = new Subject<DeviceDto>();
  private readonly log = new Logger(DevicesService.name);
  /** Devices whose values changed since the last flush; one query and one timer for all of them. */
  private readonly pendingValueEvents = new Map<string, { siteId: string; deviceId: string }>();
  private valueFlush: NodeJS.Timeout | undefined;
  private watchingSince: Date | null = null;

  constructor(
    private readonly repo: DevicesRepository,
    private readonly alerts: AlertsService,
    private readonly sites: SitesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(siteId?: string): Promise<DeviceDto[]> {
    return (await this.repo.list(siteId)).map(this.zoned);
  }

  /** The device with its site file's zone (issue 10 point 2). */
  private readonly zoned = (d: StoredDevice): DeviceDto => ({ ...d, timezone: this.sites.timezoneOf(d.siteId) });

  /**
   * Statuses set-based (DevicesRepository.applyStatuses: each device's row written once per
   * transaction), then the alerts their changes call for, in seq order; a transaction ends before the
   * next status of a device whose status raises or clears one (endsTransaction). A replayed status re-asserts what the
   * stored state implies. One live `device` event per device whose status changed, at the end.
   */
  async applyBatch(batch: readonly AcceptedMessage[]): Promise<void> {
    const statuses = batch.filter((m) => m.stream === 'status');
    const changed = new Map<string, { siteId: string; deviceId: string }>();
    for (let from = 0; from < statuses.length; ) {
      const first = from;
      // The alerts go in the statement that writes the statuses: 10,000 devices coming online
      // clear their device.offline in one statement, not 10,000 (issue 9 point 5).
      let writes: AlertWrites | undefined;
      const alertsFor = (outcomes: readonly StatusOutcome[]) => {
        const changes = outcomes.flatMap((outcome, k) => (outcome.kind === 'applied' ? this.alertChanges(statuses[first + k]!, outcome) : []));
        writes = changes.length > 0 ? this.alerts.writes(changes) : undefined;
        return writes;
      };
      const outcomes = await this.repo.applyStatuses(statuses.slice(from).map(update), endsTransaction, alertsFor);
      const applied = statuses.slice(from, from + outcomes.length);
      if (outcomes[0]!.kind === 'replay') await this.reassert(applied);
      for (const step of writes?.steps ?? []) {
        step.tell();
        await step.follow();
      }
      for (const [k, outcome] of outcomes.entries()) {
        const m = applied[k]!;
        if (outcome.kind === 'applied') changed.set(`${m.siteId}/${m.deviceId}`, { siteId: m.siteId, deviceId: m.deviceId });
      }
      from += outcomes.length;
    }
    if (changed.size === 0 || !this.changes$.observed) return;
    for (const device of await this.repo.findMany([...changed.values()])) this.changes$.next(this.zoned(device));
  }

  async handle(m: AcceptedMessage): Promise<void> {
    await this.applyBatch([m]);
  }

  /** The alerts the status calls for against the state it changed (libs/domain statusAlerts). */
  private alertChanges(m: AcceptedMessage, outcome: Extract<StatusOutcome, { kind: 'applied' }>): AlertChangeRequest[] {
    const u = update(m);
    const effects = statusAlerts(u, { online: outcome.wasOnline, clockSkewMs: outcome.previousSkewMs });
    const name = this.sites.device(m.siteId, m.deviceId)?.name ?? m.deviceId;
    const changes: AlertChangeRequest[] = [];
    const clear = (type: 'device.offline' | 'device.clock_skew') => ({ clear: { siteId: m.siteId, type, subject: m.deviceId, at: m.receivedAt } });
    if (effects.offline === 'raise') changes.push({ raise: offlineAlert(m, name) });
    else if (effects.offline === 'clear') changes.push(clear('device.offline'));
    if (effects.clockSkew === 'raise') changes.push({ raise: clockSkewAlert(m, name, u.clockSkewMs!) });
    else if (effects.clockSkew === 'clear') changes.push(clear('device.clock_skew'));
    return changes;
  }

  /** Replayed statuses (committed before a crash): the alerts the stored state implies, once per device. */
  private async reassert(replayed: readonly AcceptedMessage[]): Promise<void> {
    const last = new Map(replayed.map((m) => [`${m.siteId}/${m.deviceId}`, m]));
    for (const m of last.values()) {
      const row = await this.repo.find(m.siteId, m.deviceId);
      if (!row) continue;
      const name = this.sites.device(m.siteId, m.deviceId)?.name ?? m.deviceId;
      const held = statusAlertsHeld(row);
      await this.alerts.reassert(offlineAlert(m, name), held.offline);
      if (held.clockSkew !== null) await this.alerts.reassert(clockSkewAlert(m, name, row.clockSkewMs!), held.clockSkew);
    }
  }

  /**
   * Silence is counted from this moment at the earliest: while the server was down nobody heard
   * the devices, so a restart must not call every device offline before it had a chance to report.
   */
  startWatching(at: Date = this.clock.now()): void {
    this.watchingSince = at;
  }

  /** Marks devices offline whose last status is older than 3 × heartbeatSec of their site. Returns how many. */
  async sweepSilent(now: Date = this.clock.now()): Promise<number> {
    const cutoffs = this.sites.all().flatMap((site) => {
      const before = silentBefore(now, site.site.heartbeatSec, this.watchingSince);
      return before ? [{ siteId: site.site.id, before }] : [];
    });
    let marked = 0;
    for (const silent of await this.repo.findSilent(cutoffs)) {
      if (!(await this.repo.markOffline(silent))) continue;
      marked++;
      const site = this.sites.site(silent.siteId);
      const name = this.sites.device(silent.siteId, silent.deviceId)?.name ?? silent.deviceId;
      const silentSec = Math.round((now.getTime() - silent.lastStatusAt.getTime()) / 1000);
      const details = { reason: 'silence', lastStatusAt: silent.lastStatusAt.toISOString(), silentSec, heartbeatSec: site?.site.heartbeatSec };
      await this.alerts.raise({
        siteId: silent.siteId,
        type: 'device.offline',
        subject: silent.deviceId,
        at: now,
        message: alertMessage(name, { type: 'device.offline', details }),
        details,
      });
      await this.emit(silent.siteId, silent.deviceId);
    }
    return marked;
  }

  /**
   * When sweepSilent next has work (a replay runs it then, common/periodic.ts NextDue): the first
   * online device of a configured site to pass 3 heartbeats of silence. A status brings a device
   * online no nearer than 3 heartbeats before it can be silent.
   */
  silenceDue(): NextDue {
    const sites = this.sites;
    return {
      after: (now) => this.nextSilentAt(now),
      get leadMs() {
        return Math.min(...sites.all().map((s) => s.site.heartbeatSec * OFFLINE_AFTER_HEARTBEATS * 1000));
      },
    };
  }

  private async nextSilentAt(_now: Date): Promise<Date | null> {
    const heartbeat = new Map(this.sites.all().map((s) => [s.site.id, s.site.heartbeatSec]));
    let due: Date | null = null;
    for (const { siteId, oldest } of await this.repo.oldestOnlineStatus([...heartbeat.keys()])) {
      const from = silentFrom(oldest, heartbeat.get(siteId)!, this.watchingSince);
      if (!due || from < due) due = from;
    }
    return due;
  }

  onModuleDestroy(): void {
    clearTimeout(this.valueFlush);
    this.valueFlush = undefined;
    this.pendingValueEvents.clear();
  }

  /** Committed on this server: each device with a value (not a status) gets a `device` event (coalesced). */
  committedHere(batch: readonly AcceptedMessage[]): void {
    for (const m of batch) if (m.stream !== 'status') this.scheduleValueEvent(m.siteId, m.deviceId);
  }

  /** Another handler changed what the device's screens show: a `device` event follows (coalesced). */
  valueChanged(siteId: string, deviceId: string): void {
    this.scheduleValueEvent(siteId, deviceId);
  }

  /**
   * At most one `device` event per device per VALUE_EVENT_INTERVAL_MS, all due devices read with
   * one query: with 10,000 devices sending telemetry, a timer and a query per device would keep
   * the database pool busy with reads of rows nobody may be looking at.
   */
  private scheduleValueEvent(siteId: string, deviceId: string): void {
    this.pendingValueEvents.set(`${siteId}/${deviceId}`, { siteId, deviceId });
    if (this.valueFlush) return;
    this.valueFlush = setTimeout(() => {
      this.valueFlush = undefined;
      const due = [...this.pendingValueEvents.values()];
      this.pendingValueEvents.clear();
      if (!this.changes$.observed) return;
      this.repo
        .findMany(due)
        .then((devices) => devices.forEach((d) => this.changes$.next(this.zoned(d))))
        .catch((error: Error) => this.log.warn(`device events for ${due.length} devices failed: ${error.message}`));
    }, VALUE_EVENT_INTERVAL_MS);
    this.valueFlush.unref();
  }

  private async emit(siteId: string, deviceId: string): Promise<void> {
    const device = await this.repo.find(siteId, deviceId);
    if (device) this.changes$.next(this.zoned(device));
  }
}

type StatusPayload = { online: boolean; fw?: string; battery?: number; rssi?: number };

function update(m: AcceptedMessage): StatusUpdate {
  const p = m.payload as StatusPayload;
  return { siteId: m.siteId, deviceId: m.deviceId, seq: m.seq, online: p.online, at: m.receivedAt, fw: p.fw, battery: p.battery, rssi: p.rssi, clockSkewMs: clockSkewMs(m.receivedAt, m.observedAt) };
}

function offlineAlert(m: AcceptedMessage, name: string): RaiseAlert {
  const details = { reason: m.lastWill ? 'last_will' : 'status' };
  return { siteId: m.siteId, type: 'device.offline', subject: m.deviceId, at: m.receivedAt, message: alertMessage(name, { type: 'device.offline', details }), details };
}

function clockSkewAlert(m: AcceptedMessage, name: string, skewMs: number): RaiseAlert {
  return {
    siteId: m.siteId,
    type: 'device.clock_skew',
    subject: m.deviceId,
    at: m.receivedAt,
    message: alertMessage(name, { type: 'device.clock_skew', details: { skewMs } }),
    details: { skewMs },
  };
}

/**
 * A status whose alert must follow before the device's next one is committed (any raise or
 * clear statusAlerts calls for): a raise and its clear are never committed together.
 */
function endsTransaction(u: StatusUpdate, outcome: StatusOutcome): boolean {
  if (outcome.kind !== 'applied') return false;
  const effects = statusAlerts(u, { online: outcome.wasOnline, clockSkewMs: outcome.previousSkewMs });
  return effects.offline !== null || effects.clockSkew !== null;
}
