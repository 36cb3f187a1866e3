import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { GuardTodayDto, SiteConfig, UserDto } from '@estate-watch/contracts';
import { localDateOf, shiftDate, zonedInstant } from '@estate-watch/domain';
import { CLOCK, type Clock } from '../common/clock';
import { SitesService } from '../sites/sites.service';
import { guardTaps, nextCheckpoint, ownRounds } from './guard-day';
import { GuardTapsRepository } from './guard-taps.repository';
import { PatrolService } from './patrol.service';

/** The guard a signed-in `guard` user is (its user row names site and guard id: migration 015). */
export interface GuardIdentity {
  site: SiteConfig;
  guard: SiteConfig['guards'][number];
}

/** Who the signed-in guard is; a 403 when the account names a guard the site files no longer have. */
export function guardOf(user: UserDto, sites: SitesService): GuardIdentity {
  const site = user.guard ? sites.site(user.guard.siteId) : undefined;
  const guard = site?.guards.find((g) => g.id === user.guard?.guardId);
  if (!site || !guard) throw new ForbiddenException(`account ${user.username} is not a guard of a configured site: ask an admin to check guards: in the site file`);
  return { site, guard };
}

/** GET /api/guard/today: the guard's own rounds of the site-local day, the next checkpoint and their taps. */
@Injectable()
export class GuardTodayService {
  constructor(
    private readonly patrol: PatrolService,
    private readonly taps: GuardTapsRepository,
    private readonly sites: SitesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async today(user: UserDto): Promise<GuardTodayDto> {
    const { site, guard } = guardOf(user, this.sites);
    const now = this.clock.now();
    const tz = site.site.timezone;
    const date = localDateOf(now, tz);
    const midnight = zonedInstant(date, '00:00', tz);
    // Today's rounds, and yesterday's still walking past midnight (a 23:30 round is the night shift's now).
    const yesterday = (await this.patrol.list({ date: shiftDate(date, -1), siteId: site.site.id }, now)).filter((r) => Date.parse(r.windowEnd) >= midnight.getTime());
    const rounds = ownRounds(site, [...yesterday, ...(await this.patrol.list({ date, siteId: site.site.id }, now))], guard.id);
    const since = Math.min(midnight.getTime(), ...rounds.map((r) => Date.parse(r.windowStart)));
    const taps = await this.taps.since(site.site.id, guard.id, new Date(since));
    return {
      guard: { siteId: site.site.id, id: guard.id, name: guard.name },
      site: { id: site.site.id, name: site.site.name, timezone: tz },
      now: now.toISOString(),
      localDate: date,
      rounds,
      next: nextCheckpoint(rounds, now),
      taps: guardTaps(site, taps, rounds),
      checkpoints: site.checkpoints.map((c) => ({ id: c.id, name: c.name })),
    };
  }
}
