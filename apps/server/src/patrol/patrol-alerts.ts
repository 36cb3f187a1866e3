// CONTRACT §4 — the patrol alerts a round's changes raise and clear. Subjects are unique per round
// and checkpoint, `${roundId}/${checkpointId}`: one open alert per (type, subject), and the work-order
// follower makes ONE order per round from `details.roundId` (origin key `patrol:${roundId}`).
import { alertMessage, roundTitle, type RoundCheckpointDto, type RoundDto, type SiteConfig } from '@estate-watch/contracts';
import { localTimeOf, type PatrolAlertEffect } from '@estate-watch/domain';
import type { AlertsService, RaiseAlert } from '../alerts/alerts.service';

const MINUTE_MS = 60_000;

export function patrolSubject(roundId: string, checkpointId: string): string {
  return `${roundId}/${checkpointId}`;
}

/**
 * A fresh tap's or miss's alert is raised (a repeat of an open one counts again); a replayed tap's
 * (its effects were left pending by a crash, and may have been followed before it) only makes sure
 * it is open: AlertsService.reassert, the one "raise unless open" every replay uses.
 */
export type Raising = 'fresh' | 'replay';

export class PatrolAlerts {
  constructor(private readonly alerts: AlertsService) {}

  async apply(site: SiteConfig, round: RoundDto, effect: PatrolAlertEffect, now: Date, raising: Raising = 'fresh'): Promise<void> {
    const subject = patrolSubject(round.id, effect.checkpointId);
    if (effect.action === 'clear') {
      await this.alerts.clear(round.siteId, effect.type, subject, now);
      return;
    }
    if (effect.type === 'patrol.missed') return this.missed(site, round, effect.checkpointId, now, raising);
    const cp = checkpoint(round, effect.checkpointId);
    const tz = site.site.timezone;
    const visited = cp.visitedAt ? new Date(cp.visitedAt) : now;
    const minutes = Math.round(Math.abs(visited.getTime() - Date.parse(cp.plannedAt)) / MINUTE_MS);
    const said = { ...details(round, cp, tz), minutes, visitedLocal: localTimeOf(visited, tz), guardName: cp.guardName };
    await this.raise(raising, {
      siteId: round.siteId,
      type: effect.type,
      subject,
      at: now,
      message: alertMessage(cp.name, { type: effect.type, details: said }),
      details: said,
    });
  }

  async missed(site: SiteConfig, round: RoundDto, checkpointId: string, now: Date, raising: Raising = 'fresh'): Promise<void> {
    const cp = checkpoint(round, checkpointId);
    const tz = site.site.timezone;
    const said = { ...details(round, cp, tz), windowStartLocal: localTimeOf(new Date(cp.windowStart), tz), windowEndLocal: localTimeOf(new Date(cp.windowEnd), tz) };
    await this.raise(raising, {
      siteId: round.siteId,
      type: 'patrol.missed',
      subject: patrolSubject(round.id, checkpointId),
      at: now,
      message: alertMessage(cp.name, { type: 'patrol.missed', details: said }),
      details: said,
    });
  }

  /** Subject is the checkpoint: repeats of unknown cards there count on one alert; the card is in details. */
  async unknownCard(site: SiteConfig, checkpointId: string, card: string, at: Date, raising: Raising = 'fresh'): Promise<void> {
    const name = site.checkpoints.find((c) => c.id === checkpointId)?.name ?? checkpointId;
    await this.raise(raising, {
      siteId: site.site.id,
      type: 'patrol.unknown_card',
      subject: checkpointId,
      at,
      message: alertMessage(name, { type: 'patrol.unknown_card', details: { card, tappedLocal: localTimeOf(at, site.site.timezone) } }),
      details: { checkpointId, card, tappedAt: at.toISOString(), tappedLocal: localTimeOf(at, site.site.timezone) },
    });
  }

  private async raise(raising: Raising, alert: RaiseAlert): Promise<void> {
    if (raising === 'replay') await this.alerts.reassert(alert, true);
    else await this.alerts.raise(alert);
  }
}


function checkpoint(round: RoundDto, checkpointId: string): RoundCheckpointDto {
  const cp = round.checkpoints.find((c) => c.checkpointId === checkpointId);
  if (!cp) throw new Error(`checkpoint ${checkpointId} is not on round ${round.id}`);
  return cp;
}

/** Times are the site's local clock, so each screen composes the sentence without the site's zone. */
function details(round: RoundDto, cp: RoundCheckpointDto, tz: string): Record<string, unknown> {
  const names = { routeName: round.routeName, localDate: round.localDate, startLocal: round.startLocal };
  return {
    routeId: round.routeId,
    roundId: round.id,
    ...names,
    // The work order is the round's: titled by it (libs/domain alert-work-order.ts).
    roundTitle: roundTitle(names, 'zh-CN'),
    plannedLocal: localTimeOf(new Date(cp.plannedAt), tz),
    checkpointId: cp.checkpointId,
    plannedAt: cp.plannedAt,
    ...(cp.visitedAt ? { visitedAt: cp.visitedAt, guardId: cp.guardId } : {}),
  };
}
