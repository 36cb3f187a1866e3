import { Injectable } from '@nestjs/common';
import { alertMessage, type AlertDto, type DispenserDto, type DispenserTelemetry, type SiteConfig } from '@estate-watch/contracts';
import { consumptionRate, dispenserAlerts, expectedEmptyAt } from '@estate-watch/domain';
import { AlertsService } from '../alerts/alerts.service';
import type { AcceptedMessage, MessageHandler, MessageSelector } from '../ingest/accepted-message';
import { IngestHandler } from '../ingest/ingest-handler';
import { SitesService } from '../sites/sites.service';
import { ConsumablesRepository } from './consumables.repository';

type SiteDispenser = SiteConfig['dispensers'][number];

/** The rate looks at this much of the recent past: long enough to smooth, short enough to follow a busy week. */
const RATE_WINDOW_MS = 24 * 3600_000;

/**
 * Dispensers (CONTRACT §1 dispenser/telemetry and /event, §4 dispenser.low / dispenser.empty).
 * The alerts follow the stored level: each report makes them match it (raise when the condition
 * holds and none is open, clear when it no longer holds), so a replay after a crash converges to
 * the same alerts. A `refill` clears both; the work-order follower then verifies the replenish order.
 */
@IngestHandler()
@Injectable()
export class ConsumablesService implements MessageHandler {
  readonly name = 'consumables';
  readonly selects: MessageSelector = { kinds: ['dispenser'], streams: ['event', 'telemetry'] };

  constructor(
    private readonly repo: ConsumablesRepository,
    private readonly alerts: AlertsService,
    private readonly sites: SitesService,
  ) {}

  async applyBatch(batch: readonly AcceptedMessage[]): Promise<void> {
    for (const m of batch) await this.handle(m);
  }

  async handle(m: AcceptedMessage): Promise<void> {
    if (m.kind !== 'dispenser' || m.lastWill) return;
    const dispenser = this.sites.site(m.siteId)?.dispensers.find((d) => d.id === m.deviceId);
    if (!dispenser) return;
    const at = m.observedAt ?? m.receivedAt;
    if (m.stream === 'telemetry') {
      const t = m.payload as DispenserTelemetry;
      await this.repo.applyLevel({ siteId: m.siteId, dispenserId: dispenser.id, seq: m.seq, at, level: t.level, battery: t.battery });
      await this.matchAlerts(m.siteId, dispenser, at);
    } else if (m.stream === 'event') {
      // Staff refilled it: the condition is gone (a replay clears again, which changes nothing).
      await this.repo.applyRefill(m.siteId, dispenser.id, m.seq, at);
      await this.alerts.clear(m.siteId, 'dispenser.empty', dispenser.id, at);
      await this.alerts.clear(m.siteId, 'dispenser.low', dispenser.id, at);
    }
  }

  async list(siteId?: string): Promise<DispenserDto[]> {
    const rows = await this.repo.states(siteId);
    const out: DispenserDto[] = [];
    for (const site of this.sites.all()) {
      if (siteId && site.site.id !== siteId) continue;
      for (const d of site.dispensers) {
        const row = rows.find((r) => r.site_id === site.site.id && r.dispenser_id === d.id);
        const levelAt = row?.level_at ?? undefined;
        const rate = levelAt ? consumptionRate(await this.repo.samples(site.site.id, d.id, new Date(levelAt.getTime() - RATE_WINDOW_MS))) : undefined;
        const emptyAt = row?.level !== null && row?.level !== undefined && levelAt ? expectedEmptyAt(row.level, levelAt, rate) : undefined;
        const open = (await this.alerts.findOpen(site.site.id, 'dispenser.empty', d.id)) ?? (await this.alerts.findOpen(site.site.id, 'dispenser.low', d.id));
        out.push({
          siteId: site.site.id,
          id: d.id,
          name: d.name,
          consumable: d.consumable,
          lowPct: d.lowPct,
          emptyPct: d.emptyPct,
          level: row?.level ?? null,
          levelAt: levelAt?.toISOString(),
          battery: row?.battery ?? undefined,
          ratePctPerHour: rate === undefined ? undefined : Math.round(rate * 100) / 100,
          expectedEmptyAt: emptyAt?.toISOString(),
          lastRefillAt: row?.last_refill_at?.toISOString(),
          openAlert: open && openAlert(open),
        });
      }
    }
    return out;
  }

  /** low before empty: the replenish order is made by `low`, and `empty` raises its priority. */
  private async matchAlerts(siteId: string, d: SiteDispenser, at: Date): Promise<void> {
    const state = await this.repo.state(siteId, d.id);
    if (!state || state.level === null) return;
    const want = dispenserAlerts(state.level, d);
    const level = Math.round(state.level * 10) / 10;
    const said = { level, lowPct: d.lowPct, emptyPct: d.emptyPct, consumable: d.consumable };
    if (want.low) await this.raiseIfNone(siteId, 'dispenser.low', d, at, alertMessage(d.name, { type: 'dispenser.low', details: said }), state.level);
    if (want.empty) await this.raiseIfNone(siteId, 'dispenser.empty', d, at, alertMessage(d.name, { type: 'dispenser.empty', details: said }), state.level);
    if (!want.empty) await this.alerts.clear(siteId, 'dispenser.empty', d.id, at);
    if (!want.low) await this.alerts.clear(siteId, 'dispenser.low', d.id, at);
  }

  private async raiseIfNone(siteId: string, type: 'dispenser.low' | 'dispenser.empty', d: SiteDispenser, at: Date, message: string, level: number): Promise<void> {
    if (await this.alerts.findOpen(siteId, type, d.id)) return;
    await this.alerts.raise({ siteId, type, subject: d.id, at, message, details: { level, lowPct: d.lowPct, emptyPct: d.emptyPct, consumable: d.consumable } });
  }
}

function openAlert(a: AlertDto): NonNullable<DispenserDto['openAlert']> {
  return { id: a.id, type: a.type, severity: a.severity, raisedAt: a.raisedAt, workOrderId: a.workOrderId };
}
