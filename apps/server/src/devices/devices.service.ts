import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Subject } from 'rxjs';
import { alertMessage, CLOCK_SKEW_LIMIT_MS, OFFLINE_AFTER_HEARTBEATS, type DeviceDto } from '@estate-watch/contracts';
import { AlertsService } from '../alerts/alerts.service';
import { CLOCK, type Clock } from '../common/clock';
import type { AcceptedMessage, MessageHandler, MessageSelector } from '../ingest/accepted-message';
import { IngestHandler } from '../ingest/ingest-handler';
import { SitesService } from '../sites/sites.service';
import { DevicesRepository } from './devices.repository';

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
  readonly selects: MessageSelector = {};
  readonly changes$ = new Subject<DeviceDto>();
  private readonly log = new Logger(DevicesService.name);
  private readonly pendingValueEvents = new Map<string, NodeJS.Timeout>();
  private watchingSince: Date | null = null;

  constructor(
    private readonly repo: DevicesRepository,
    private readonly alerts: AlertsService,
    private readonly sites: SitesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  list(siteId?: string): Promise<DeviceDto[]> {
    return this.repo.list(siteId);
  }

  async applyBatch(batch: readonly AcceptedMessage[]): Promise<void> {
    for (const m of batch) await this.handle(m);
  }

  async handle(m: AcceptedMessage): Promise<void> {
    if (m.stream !== 'status') {
      this.scheduleValueEvent(m.siteId, m.deviceId);
      return;
    }
    const p = m.payload as { online: boolean; fw?: string; battery?: number; rssi?: number };
    const skewMs = m.observedAt ? m.receivedAt.getTime() - m.observedAt.getTime() : undefined;
    const applied = await this.repo.applyStatus({
      siteId: m.siteId,
      deviceId: m.deviceId,
      online: p.online,
      at: m.receivedAt,
      fw: p.fw,
      battery: p.battery,
      rssi: p.rssi,
      clockSkewMs: skewMs,
    });
    if (!applied) return;
    const subject = m.deviceId;
    const name = this.sites.device(m.siteId, m.deviceId)?.name ?? m.deviceId;
    if (p.online) {
      if (!applied.wasOnline) await this.alerts.clear(m.siteId, 'device.offline', subject, m.receivedAt);
    } else {
      const details = { reason: m.lastWill ? 'last_will' : 'status' };
      await this.alerts.raise({ siteId: m.siteId, type: 'device.offline', subject, at: m.receivedAt, message: alertMessage(name, { type: 'device.offline', details }), details });
    }
    if (skewMs !== undefined) await this.checkClockSkew(m.siteId, subject, name, skewMs, m.receivedAt);
    await this.emit(m.siteId, m.deviceId);
  }

  /**
   * Silence is counted from this moment at the earliest: while the server was down nobody heard
   * the devices, so a restart must not call every device offline before it had a chance to report.
   */
  startWatching(at: Date = this.clock.now()): void {
    this.watchingSince = at;
  }

  /** Marks devices offline whose last status is older than 3 × heartbeatSec. Returns how many. */
  async sweepSilent(now: Date = this.clock.now()): Promise<number> {
    let marked = 0;
    for (const silent of await this.repo.findSilent(now, OFFLINE_AFTER_HEARTBEATS, this.watchingSince)) {
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

  onModuleDestroy(): void {
    for (const timer of this.pendingValueEvents.values()) clearTimeout(timer);
    this.pendingValueEvents.clear();
  }

  private async checkClockSkew(siteId: string, subject: string, name: string, skewMs: number, at: Date): Promise<void> {
    if (Math.abs(skewMs) > CLOCK_SKEW_LIMIT_MS) {
      await this.alerts.raise({
        siteId,
        type: 'device.clock_skew',
        subject,
        at,
        message: alertMessage(name, { type: 'device.clock_skew', details: { skewMs } }),
        details: { skewMs },
      });
    } else {
      await this.alerts.clear(siteId, 'device.clock_skew', subject, at);
    }
  }

  /** Another handler changed what the device's screens show: a `device` event follows (coalesced). */
  valueChanged(siteId: string, deviceId: string): void {
    this.scheduleValueEvent(siteId, deviceId);
  }

  private scheduleValueEvent(siteId: string, deviceId: string): void {
    const key = `${siteId}/${deviceId}`;
    if (this.pendingValueEvents.has(key)) return;
    const timer = setTimeout(() => {
      this.pendingValueEvents.delete(key);
      this.emit(siteId, deviceId).catch((error: Error) => this.log.warn(`device event for ${key} failed: ${error.message}`));
    }, VALUE_EVENT_INTERVAL_MS);
    timer.unref();
    this.pendingValueEvents.set(key, timer);
  }

  private async emit(siteId: string, deviceId: string): Promise<void> {
    const device = await this.repo.find(siteId, deviceId);
    if (device) this.changes$.next(device);
  }
}
