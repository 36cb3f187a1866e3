import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { RoundDto, RoundQuery, RoundsExportQuery, SiteConfig } from '@estate-watch/contracts';
import { assignTap, closeWindows, localDateOf, localDayStart, planningDates, planRounds, reconcileRounds, resolveReportRange, shiftDate, visitRound } from '@estate-watch/domain';
import { AlertsService } from '../alerts/alerts.service';
import { CLOCK, type Clock } from '../common/clock';
import type { NextDue } from '../common/periodic';
import type { AcceptedMessage, MessageHandler, MessageSelector } from '../ingest/accepted-message';
import { IngestHandler } from '../ingest/ingest-handler';
import { RateLimitedLog } from '../ingest/rejection-log';
import { SitesService } from '../sites/sites.service';
import { PatrolAlerts } from './patrol-alerts';
import { PatrolRepository, tapKey, type SeenTap, type TapEffect, type TapRow, type TapsJudged } from './patrol.repository';

/**
 * Patrol rounds (CONTRACT §3): planned from the site file per site-local day, visited by checkpoint
 * taps (a MessageHandler fed by ingest), and swept on the caller's clock so a window that closes
 * with no tap is missed whether or not any other message arrives.
 *
 * Every change runs one at a time in this process (taps from ingest and the sweep's timer would
 * interleave otherwise): each step reads the round, applies the pure rule, saves it by
 * compare-and-set (another server on the same database may have changed it: read again and
 * re-apply), then raises or clears its alerts.
 */
/** Compare-and-set retries when another server changed the same round in between. */
const MAX_ATTEMPTS = 5;

@IngestHandler()
@Injectable()
export class PatrolService implements MessageHandler {
  readonly name = 'patrol';
  readonly selects: MessageSelector = { kinds: ['checkpoint'], streams: ['event'] };
  /** Past-tense: a round after a visit, a miss or a status change (the live `patrol` event). */
  readonly changes$ = new Subject<RoundDto>();
  private readonly log = new Logger(PatrolService.name);
  /**
   * A tap that belongs to no round is worth a line, but not one per tap: the ingest bench's 40,000
   * taps, none on a round, cost the patrol server's thread 0.2 s in Nest's logger (timestamp,
   * colours) plus its share of 0.4 s of writes (one CPU profile), on the handler's critical path.
   */
  private readonly strayTaps: RateLimitedLog;
  private readonly alertsFor: PatrolAlerts;
  /** Site id → the site-local date its rounds were last planned around. */
  private readonly plannedOn = new Map<string, string>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: PatrolRepository,
    alerts: AlertsService,
    private readonly sites: SitesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.alertsFor = new PatrolAlerts(alerts);
    this.strayTaps = new RateLimitedLog((line) => this.log.log(line), clock, 20, 60_000, 'more taps that belong to no round were');
    // A reload of the site files re-plans at the next sweep: rounds not yet started take the new
    // routes and schedules, rounds under way or done keep theirs (reconcileRounds).
    sites.replaced$.subscribe(() => this.plannedOn.clear());
  }

  /**
   * The timer's step: plans a site's rounds when its local date changed (and on the first call),
   * then marks windows that closed with no tap missed and moves statuses on. Called at start-up
   * too, so windows that closed while the server was down (back to 24 h) are marked missed at once;
   * a site seen for the first time gets the round under way, its closed windows `unmonitored`.
   */
  sweep(now: Date = this.clock.now()): Promise<RoundDto[]> {
    return this.serially(async () => {
      const sites = this.sites.all();
      for (const site of sites) await this.planIfNeeded(site, now);
      const changed: RoundDto[] = [];
      // Only configured sites: a site dropped from SITE_CONFIG leaves its rounds as they were.
      for (const due of await this.repo.dueBy(now, sites.map((s) => s.site.id))) {
        try {
          const round = await this.closed(due, now);
          if (round) changed.push(round);
        } catch (error) {
          // One round that fails must not hold back the misses of every other round.
          this.log.error(`patrol sweep: round ${due.id} failed: ${(error as Error).message}`);
        }
      }
      return changed;
    });
  }

  /**
   * When sweep next has work (a replay runs it then, common/periodic.ts NextDue): a round's next
   * due instant (roundDueAt: its start, or a pending window's close), or a site's next local
   * midnight, when its rounds are planned again. A tap only ever moves a round's due instant later,
   * so messages bring nothing forward.
   */
  sweepDue(): NextDue {
    return {
      after: async (now) => {
        const sites = this.sites.all();
        let due = Infinity;
        for (const site of sites) {
          const today = localDateOf(now, site.site.timezone);
          const plan = this.plannedOn.get(site.site.id) === today ? localDayStart(shiftDate(today, 1), site.site.timezone) : now;
          due = Math.min(due, plan.getTime());
        }
        const round = await this.repo.nextDueAt(sites.map((s) => s.site.id));
        if (round) due = Math.min(due, round.getTime());
        return Number.isFinite(due) ? new Date(due) : null;
      },
      leadMs: Infinity,
      // A tap just after a window closed is late after a miss; applied before the sweep, it would be the visit.
      exact: true,
    };
  }

  /** Marks one round's closed windows; saved first, so a miss another server saw first is not raised twice. */
  private async closed(due: RoundDto, now: Date): Promise<RoundDto | undefined> {
    let current: RoundDto | undefined = due;
    for (let attempt = 0; current && attempt < MAX_ATTEMPTS; attempt++) {
      const out = closeWindows(current, now);
      if (out.round === current) return undefined;
      const saved = await this.repo.save(out.round, current, now);
      if (saved) {
        for (const checkpointId of out.missed) await this.alertsFor.missed(this.sites.site(current.siteId)!, saved, checkpointId, now);
        this.changes$.next(saved);
        return saved;
      }
      current = await this.repo.find(current.id); // another server changed it: judge what it holds now
    }
    return undefined;
  }

  /**
   * Taps set-based: per site, one transaction places them in seq order on the locked rounds
   * (PatrolRepository.applyTaps), inserts them together and saves each changed round once; then
   * their alert effects follow in order and are marked followed. A transaction ends after a tap
   * with effects (a raise and its clear are never committed together); a replayed tap follows the
   * effects a crash left pending, raising only what is not open.
   */
  async applyBatch(batch: readonly AcceptedMessage[]): Promise<void> {
    const bySite = new Map<string, AcceptedMessage[]>();
    for (const m of batch) {
      if (m.kind !== 'checkpoint' || m.stream !== 'event' || m.payload.type !== 'tap' || !m.msgId) continue;
      // Appended in place: a copy per tap made a batch of n taps cost n²/2 element copies.
      const taps = bySite.get(m.siteId);
      if (taps) taps.push(m);
      else bySite.set(m.siteId, [m]);
    }
    if (bySite.size === 0) return;
    await this.serially(async () => {
      for (const [siteId, taps] of bySite) {
        const site = this.sites.site(siteId);
        if (site) await this.tapped(site, taps);
      }
    });
  }

  async handle(m: AcceptedMessage): Promise<void> {
    await this.applyBatch([m]);
  }

  /** Rounds of one site-local date (default: today at each site), ordered by start. */
  async list(query: RoundQuery, now: Date = this.clock.now()): Promise<RoundDto[]> {
    const sites = this.sites.all().filter((s) => !query.siteId || s.site.id === query.siteId);
    const out: RoundDto[] = [];
    for (const site of sites) {
      const today = localDateOf(now, site.site.timezone);
      const date = query.date ?? today;
      const stored = await this.repo.roundsOn(site.site.id, [date], query.routeId);
      // Beyond tomorrow nothing is stored yet: show what the site file plans, untouched.
      const planned = date > shiftDate(today, 1) ? planRounds(site, date).filter((r) => !query.routeId || r.routeId === query.routeId) : [];
      const ids = new Set(stored.map((r) => r.id));
      out.push(...stored, ...planned.filter((r) => !ids.has(r.id)));
    }
    return out.sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
  }

  /** Rounds of one site that started in a range (the CSV export; the reports' range rules). */
  async between(query: RoundsExportQuery, now: Date = this.clock.now()): Promise<{ site: SiteConfig; rounds: RoundDto[] }> {
    const all = this.sites.all();
    const site = query.siteId === undefined ? (all.length === 1 ? all[0] : undefined) : this.sites.site(query.siteId);
    if (!site) throw new BadRequestException(`siteId: name one of this server's sites (${all.map((s) => s.site.id).join(', ')})`);
    const range = resolveReportRange(query, now, site.site.timezone);
    if (!range.ok) throw new BadRequestException(range.message);
    return { site, rounds: await this.repo.roundsBetween(site.site.id, range.from, range.to, query.routeId) };
  }

  private async tapped(site: SiteConfig, taps: readonly AcceptedMessage[]): Promise<void> {
    const now = this.clock.now();
    await this.planIfNeeded(site, now);
    const changed = new Map<string, RoundDto>();
    // A burst of taps falls within a few seconds: each second's local date is worked out once
    // (Intl formatting per tap showed in the profile). Zone offsets are whole seconds.
    const days = new Map<number, string>();
    const dayOf = (at: Date) => {
      const second = Math.floor(at.getTime() / 1000);
      let day = days.get(second);
      if (day === undefined) days.set(second, (day = localDateOf(at, site.site.timezone)));
      return day;
    };
    for (let from = 0; from < taps.length; ) {
      const rest = taps.slice(from);
      // Each distinct day and the one before it (a round walking past midnight), in first-seen
      // order; the day before is worked out once per day, not once per tap.
      const days = new Set(rest.map((m) => dayOf(tapTime(m))));
      const dates = [...new Set([...days].flatMap((day) => [shiftDate(day, -1), day]))];
      const keys = rest.map((m) => ({ deviceId: m.deviceId, msgId: m.msgId! }));
      const judged = await this.repo.applyTaps(site.site.id, dates, keys, (rounds, seen) => judgeTaps(site, rest, rounds, seen, this.strayTaps), now);
      for (const t of judged.placed) {
        for (const effect of t.effects) await this.follow(site, t.round, t.row, effect, now, t.replay);
        if (t.round && !t.replay) changed.set(t.round.id, t.round);
      }
      await this.repo.effectsFollowed(site.site.id, judged.placed.filter((t) => t.effects.length > 0).map((t) => t.row));
      from += judged.placed.length;
    }
    await this.announce([...changed.keys()]);
  }

  /**
   * The live `patrol` event once per round a batch of taps changed, as stored now: one read for
   * them all, and each with the revision its last save gave it (issue 10 point 5).
   */
  private async announce(ids: readonly string[]): Promise<void> {
    if (ids.length === 0 || !this.changes$.observed) return;
    try {
      for (const round of await this.repo.byIds(ids)) this.changes$.next(round);
    } catch (error) {
      // The taps are stored and their alerts followed; a screen that missed the push reloads on reconnect.
      this.log.warn(`live patrol event for ${ids.length} round(s) failed: ${(error as Error).message}`);
    }
  }

  /** One effect of a tap; on a replay a raise only makes sure its alert is open (it may have followed before the crash). */
  private async follow(site: SiteConfig, round: RoundDto | undefined, tap: TapRow, effect: TapEffect, now: Date, replay: boolean): Promise<void> {
    const raising = replay ? 'replay' : 'fresh';
    if (effect.type === 'patrol.unknown_card') await this.alertsFor.unknownCard(site, tap.deviceId, tap.card, tap.tappedAt, raising);
    else if (round) await this.alertsFor.apply(site, round, effect, now, raising);
  }

  private async planIfNeeded(site: SiteConfig, now: Date): Promise<void> {
    const today = localDateOf(now, site.site.timezone);
    if (this.plannedOn.get(site.site.id) === today) return;
    const since = await this.repo.monitoringSince(site.site.id, now);
    // Back to the rounds a 24 h-old buffered tap may reach (a restart after a night down judges
    // them all: CONTRACT §3), to tomorrow (planned ahead of the day boundary).
    const dates = planningDates(now, site.site.timezone);
    const stored = await this.repo.roundsOn(site.site.id, dates);
    const planned = dates.flatMap((d) => planRounds(site, d));
    const todo = reconcileRounds(stored, planned, now, since);
    for (const round of todo.insert) await this.repo.insert(round, now);
    for (const round of todo.replace) await this.repo.replacePlan(round, now);
    for (const round of todo.remove) await this.repo.removeUnstarted(round.id, now);
    if (todo.replace.length + todo.remove.length > 0) {
      this.log.log(`${site.site.id}: site file changed ${todo.replace.length} rounds not yet started and removed ${todo.remove.length}`);
    }
    this.plannedOn.set(site.site.id, today);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

/** Device time: a buffered tap is judged by when it happened. */
const tapTime = (m: AcceptedMessage) => m.observedAt ?? m.receivedAt;

/** A tap as judged: its row, the round after it (undefined when no round takes it), its effects. */
interface PlacedTap {
  row: TapRow;
  round: RoundDto | undefined;
  effects: TapEffect[];
  replay: boolean;
}

/**
 * Places taps in seq order on the rounds as the taps before left them (CONTRACT §3: assignTap,
 * visitRound). Replays (recorded before) and fresh taps never share a transaction; it ends after
 * a fresh tap with effects. A replay carries the effects a crash left pending.
 */
function judgeTaps(site: SiteConfig, taps: readonly AcceptedMessage[], stored: RoundDto[], seen: ReadonlyMap<string, SeenTap>, strayTaps: Pick<RateLimitedLog, 'log'>): TapsJudged & { placed: PlacedTap[] } {
  const rounds = new Map(stored.map((r) => [r.id, r]));
  // In start order once per batch (a visit changes a round, never its start or id): assignTap takes them so.
  const ordered = [...stored].sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
  const changed = new Set<string>();
  const placed: PlacedTap[] = [];
  for (const m of taps) {
    const key = tapKey(m.deviceId, m.msgId!);
    const replay = seen.has(key);
    if (placed.length > 0 && replay !== placed[0]!.replay) break;
    const card = String(m.payload.card);
    const at = tapTime(m);
    const guard = site.guards.find((g) => g.card === card);
    const row: TapRow = { siteId: site.site.id, deviceId: m.deviceId, msgId: m.msgId!, seq: m.seq, card, guardId: guard?.id ?? null, tappedAt: at, receivedAt: m.receivedAt, roundId: null };
    const before = seen.get(key);
    if (before) {
      // Followed on the round as stored now (later taps may have moved it on).
      placed.push({ row: { ...row, roundId: before.roundId }, round: before.roundId ? rounds.get(before.roundId) : undefined, effects: before.pendingEffects ?? [], replay });
      continue;
    }
    const t = guard ? placeTap(site, ordered, m.deviceId, at, guard) : undefined;
    if (guard && !t) strayTaps.log(`${site.site.id}/${m.deviceId}: tap by ${guard.id} at ${at.toISOString()} belongs to no round of that day`);
    if (t) {
      rounds.set(t.round.id, t.round);
      ordered[ordered.findIndex((r) => r.id === t.round.id)] = t.round;
      changed.add(t.round.id);
      row.roundId = t.round.id;
    }
    const effects: TapEffect[] = guard ? (t?.effects ?? []) : [{ action: 'raise', type: 'patrol.unknown_card', checkpointId: m.deviceId }];
    placed.push({ row, round: t?.round, effects, replay });
    if (effects.length > 0) break;
  }
  // Each fresh row takes its effects in place (a copy per tap showed in the patrol server's profile).
  const fresh = placed.filter((p) => !p.replay).map((p) => Object.assign(p.row, { effects: p.effects }));
  return { placed, taps: fresh, rounds: [...changed].map((id) => rounds.get(id)!) };
}

/** `rounds` in start order. */
function placeTap(site: SiteConfig, rounds: readonly RoundDto[], checkpointId: string, at: Date, guard: SiteConfig['guards'][number]) {
  const place = assignTap(rounds, checkpointId, at, site.site.timezone);
  return place && visitRound(place.round, { checkpointId, at, guardId: guard.id, guardName: guard.name });
}
