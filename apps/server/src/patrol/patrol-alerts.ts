// CONTRACT §4 — the patrol alerts a round's changes raise and clear. Subjects are unique per round
// and checkpoint, `${roundId}/${checkpointId}`: one open alert per (type, subject), and the work-order
// follower makes ONE order per round from `details.roundId` (origin key `patrol:${roundId}`).
import type { RoundCheckpointDto, RoundDto, SiteConfig } from '@estate-watch/contracts';
import { localTimeOf, type PatrolAlertEffect, type PatrolAlertType } from '@estate-watch/domain';
import type { AlertsService } from '../alerts/alerts.service';

const MINUTE_MS = 60_000;

export function patrolSubject(roundId: string, checkpointId: string): string {
  return `${roundId}/${checkpointId}`;
}

export class PatrolAlerts {
  constructor(private readonly alerts: AlertsService) {}

  async isOpen(siteId: string, type: PatrolAlertType | 'patrol.unknown_card', subject: string): Promise<boolean> {
    return (await this.alerts.findOpen(siteId, type, subject)) !== undefined;
  }

  async apply(site: SiteConfig, round: RoundDto, effect: PatrolAlertEffect, now: Date): Promise<void> {
    const subject = patrolSubject(round.id, effect.checkpointId);
    if (effect.action === 'clear') {
      await this.alerts.clear(round.siteId, effect.type, subject, now);
      return;
    }
    if (effect.type === 'patrol.missed') return this.missed(site, round, effect.checkpointId, now);
    const cp = checkpoint(round, effect.checkpointId);
    const tz = site.site.timezone;
    const visited = cp.visitedAt ? new Date(cp.visitedAt) : now;
    const minutes = Math.round(Math.abs(visited.getTime() - Date.parse(cp.plannedAt)) / MINUTE_MS);
    const who = cp.guardName ?? cp.guardId ?? '';
    const what =
      effect.type === 'patrol.late'
        ? `迟到 ${minutes} 分钟（计划 ${localTimeOf(new Date(cp.plannedAt), tz)}，实到 ${localTimeOf(visited, tz)}）`
        : effect.type === 'patrol.early'
          ? `提前 ${minutes} 分钟（计划 ${localTimeOf(new Date(cp.plannedAt), tz)}，实到 ${localTimeOf(visited, tz)}）`
          : '未按路线顺序巡查';
    await this.alerts.raise({
      siteId: round.siteId,
      type: effect.type,
      subject,
      at: now,
      message: `${prefix(round)}${cp.name}${what}${who ? `，${who}` : ''}`,
      details: details(round, cp),
    });
  }

  async missed(site: SiteConfig, round: RoundDto, checkpointId: string, now: Date): Promise<void> {
    const cp = checkpoint(round, checkpointId);
    const tz = site.site.timezone;
    await this.alerts.raise({
      siteId: round.siteId,
      type: 'patrol.missed',
      subject: patrolSubject(round.id, checkpointId),
      at: now,
      message: `${prefix(round)}${cp.name}漏检（计划 ${localTimeOf(new Date(cp.plannedAt), tz)}，窗口 ${localTimeOf(new Date(cp.windowStart), tz)}–${localTimeOf(new Date(cp.windowEnd), tz)} 内无刷卡）`,
      details: details(round, cp),
    });
  }

  /** Subject is the checkpoint: repeats of unknown cards there count on one alert; the card is in details. */
  async unknownCard(site: SiteConfig, checkpointId: string, card: string, at: Date): Promise<void> {
    const name = site.checkpoints.find((c) => c.id === checkpointId)?.name ?? checkpointId;
    await this.alerts.raise({
      siteId: site.site.id,
      type: 'patrol.unknown_card',
      subject: checkpointId,
      at,
      message: `${name}：未登记卡 ${card} 刷卡（${localTimeOf(at, site.site.timezone)}）`,
      details: { checkpointId, card, tappedAt: at.toISOString() },
    });
  }
}

function roundTitle(round: RoundDto): string {
  return `${round.routeName} ${round.localDate} ${round.startLocal} 轮`;
}

function prefix(round: RoundDto): string {
  return `${roundTitle(round)}：`;
}

function checkpoint(round: RoundDto, checkpointId: string): RoundCheckpointDto {
  const cp = round.checkpoints.find((c) => c.checkpointId === checkpointId);
  if (!cp) throw new Error(`checkpoint ${checkpointId} is not on round ${round.id}`);
  return cp;
}

function details(round: RoundDto, cp: RoundCheckpointDto): Record<string, unknown> {
  return {
    routeId: round.routeId,
    roundId: round.id,
    // The work order is the round's: titled by it (libs/domain alert-work-order.ts).
    roundTitle: roundTitle(round),
    checkpointId: cp.checkpointId,
    plannedAt: cp.plannedAt,
    ...(cp.visitedAt ? { visitedAt: cp.visitedAt, guardId: cp.guardId } : {}),
  };
}
