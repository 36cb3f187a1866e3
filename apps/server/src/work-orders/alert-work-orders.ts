// CONTRACT §4 last column and §5 closing the loop: the ONE place alerts turn into work orders.
// Patrol, parking, dispenser and sensor rules only raise and clear alerts; this follower
// (registered at start-up with AlertsService.follow) decides the order from the pure rule.
import { ConflictException, Injectable, Logger } from '@nestjs/common';
import type { AlertDto } from '@estate-watch/contracts';
import { planWorkOrder } from '@estate-watch/domain';
import { AlertsService, type AlertChanged, type AlertFollower } from '../alerts/alerts.service';
import { SitesService } from '../sites/sites.service';
import { SYSTEM, WorkOrdersService } from './work-orders.service';

@Injectable()
export class AlertWorkOrders implements AlertFollower {
  readonly name = 'work-orders';
  private readonly log = new Logger(AlertWorkOrders.name);

  constructor(
    private readonly workOrders: WorkOrdersService,
    private readonly alerts: AlertsService,
    private readonly sites: SitesService,
  ) {}

  /** Awaited inside AlertsService.raise/clear: an order exists before ingest moves on. */
  async alertChanged({ change, alert, byCondition }: AlertChanged): Promise<void> {
    // A repeat of an attached alert changes nothing; one never attached (raised before this
    // follower ran, e.g. before an upgrade) is routed now.
    if (change === 'raised' || (change === 'repeated' && !alert.workOrderId)) await this.routed(alert);
    else if (change === 'cleared' && byCondition) await this.verifiedByDevice(alert);
  }

  private async routed(alert: AlertDto): Promise<void> {
    const site = this.sites.site(alert.siteId);
    if (!site) return this.log.warn(`alert ${alert.type} for unknown site ${alert.siteId}: no work order`);
    const plan = planWorkOrder(alert, site);
    if (!plan) return;
    let order = await this.workOrders.findOpenByOrigin(site.site.id, plan.originKey);
    if (!order) {
      order = await this.workOrders.createForAlert(
        site,
        {
          site_id: site.site.id,
          source: plan.source,
          department: plan.department,
          priority: plan.priority,
          title: plan.title,
          description: alert.message,
          reporter: null,
          channel: null,
          origin_key: plan.originKey,
        },
        alert.id,
        // Names, not ids (issue 12.2): the alert's own zh-CN message says which device and what;
        // screens compose it in their reader's language from the alert's type, subject and details.
        { text: `由告警生成：${alert.message}`.slice(0, 500), system: { key: 'fromAlert', params: alertParams(alert) } },
      );
      // Lost a race with another raise of the same origin: join the order it made.
      if (!order) order = await this.workOrders.findOpenByOrigin(site.site.id, plan.originKey);
      else return this.alerts.linkWorkOrder(alert.id, order.id);
    }
    if (!order) throw new Error(`no open work order for ${plan.originKey} after a conflicting insert`);
    // A patrol order is one per round: its description lists every missed checkpoint (issue 4).
    const descriptionLine = plan.source === 'patrol' ? alert.message : undefined;
    await this.workOrders.attachAlert(order, alert.id, { text: plan.joinNote, system: { key: 'alertJoined', params: alertParams(alert) } }, plan.priority, descriptionLine);
    await this.alerts.linkWorkOrder(alert.id, order.id);
  }

  /** §5: the device confirmed the condition cleared and nothing else attached is still open. */
  private async verifiedByDevice(alert: AlertDto): Promise<void> {
    const order = await this.workOrders.findOpenByAlert(alert.id);
    if (!order || order.source !== 'alert') return;
    if ((await this.workOrders.countUnclearedAlerts(order.id)) > 0) return;
    const clearedAt = (alert.clearedAt ?? alert.lastSeenAt).replace(/\.000Z$/, 'Z');
    try {
      await this.workOrders.apply(order, {
        action: 'verify',
        byDevice: true,
        by: SYSTEM,
        note: `设备确认恢复：${alert.type} 已于 ${clearedAt} 清除`,
        system: { key: 'verifiedByDevice', params: { alertType: alert.type, clearedAt: alert.clearedAt ?? alert.lastSeenAt } },
      });
    } catch (error) {
      // Someone verified or closed it in the same moment: nothing left to do.
      if (!(error instanceof ConflictException)) throw error;
      this.log.log(`order ${order.number} not verified by device: ${error.message}`);
    }
  }
}

/** What a screen needs to say which alert a note is about, in its own words (contracts alert-text). */
function alertParams(alert: AlertDto): { alertType: AlertDto['type']; subject: string; details?: Record<string, unknown> } {
  return { alertType: alert.type, subject: alert.subject, ...(alert.details && { details: alert.details }) };
}
