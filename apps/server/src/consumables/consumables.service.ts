import { Injectable, Logger } from '@nestjs/common';
import { Subject } from 'rxjs';
import { alertMessage, type AlertDto, type DispenserDto, type DispenserTelemetry, type SiteConfig } from '@estate-watch/contracts';
import { consumptionRate, dispenserAlerts, expectedEmptyAt } from '@estate-watch/domain';
import { AlertsService } from '../alerts/alerts.service';
import type { AcceptedMessage, MessageHandler, MessageSelector } from '../ingest/accepted-message';
import { IngestHandler } from '../ingest/ingest-handler';
import { SitesService } from '../sites/sites.service';
import { ConsumablesRepository, dispenserKey, type StoredSample, type DispenserInput, type DispenserOutcome, type DispenserRow } from './consumables.repository';

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
  /** Past-tense: a dispenser whose level, refill or alerts a batch changed (the live `dispenser` event). */
  readonly changes$ = new Subject<DispenserDto>();
  private readonly log = new Logger(ConsumablesService.name);
  /** Each dispenser's rate and the row (seq, level time) it was computed for. */
  private readonly rates = new Map<string, { seq: number; levelAt: number; rate: number | undefined }>();
  /** Each dispenser's samples in its rate window as last read, and the seq up to which every one stored was read. */
  private readonly samples = new Map<string, { upToSeq: number; samples: StoredSample[] }>();

  constructor(
    private readonly repo: ConsumablesRepository,
    private readonly alerts: AlertsService,
    private readonly sites: SitesService,
  ) {}

  /**
   * A batch set-based (ConsumablesRepository.applyBatch: each dispenser written once per
   * transaction, the samples inserted together), then each dispenser's alerts made to match its
   * level once. A transaction ends after a report that moves the level across lowPct or emptyPct,
   * and after a refill, so each such change has its alerts before the next state is committed.
   * Replays are matched the same way: the alerts follow the stored level. The live `dispenser`
   * event goes out once per changed dispenser at the end, as the list answers it.
   */
  async applyBatch(batch: readonly AcceptedMessage[]): Promise<void> {
    const items = batch.flatMap((m) => this.item(m) ?? []);
    const changed = new Map<string, { siteId: string; dispenser: SiteDispenser }>();
    const bySeq = new Map(items.map((i) => [i.input.seq, i]));
    const endsTransaction = (input: DispenserInput, outcome: DispenserOutcome) => {
      if (input.type === 'refill') return true;
      const d = bySeq.get(input.seq)!.dispenser;
      return !sameAlerts(outcome.levelBefore, outcome.level, d);
    };
    for (let from = 0; from < items.length; ) {
      const outcomes = await this.repo.applyBatch(items.slice(from).map((i) => i.input), endsTransaction);
      // Each dispenser's last message of the transaction says what its alerts must be now.
      const last = new Map<string, { item: DispenserItem; outcome: DispenserOutcome; levelBefore: number | null }>();
      for (const [k, outcome] of outcomes.entries()) {
        const item = items[from + k]!;
        const key = `${item.m.siteId}\u0000${item.dispenser.id}`;
        last.set(key, { item, outcome, levelBefore: last.get(key)?.levelBefore ?? outcome.levelBefore });
        if (outcome.applied) changed.set(key, { siteId: item.m.siteId, dispenser: item.dispenser });
      }
      // A fresh report that keeps a dispenser clear of both thresholds has no alert to match (the
      // ones a crash may have left are matched when the replay comes).
      const toMatch = [...last.values()].filter(
        ({ item: { dispenser, input }, outcome, levelBefore }) =>
          !(outcome.applied && input.type === 'level' && nothingWanted(levelBefore, dispenser) && nothingWanted(outcome.level, dispenser)) &&
          (input.type === 'refill' || outcome.level !== null),
      );
      const open = await this.openAlerts(toMatch.map(({ item }) => item.m.siteId));
      for (const { item, outcome } of toMatch) {
        const { m, dispenser, input } = item;
        // Staff refilled it: the condition is gone (a replay finds nothing open, which changes nothing).
        const want = input.type === 'refill' ? { low: false, empty: false } : dispenserAlerts(outcome.level!, dispenser);
        await this.matchAlerts(m.siteId, dispenser, input.at, outcome.level, want, open);
      }
      from += outcomes.length;
    }
    await this.announce([...changed.values()]);
  }

  async handle(m: AcceptedMessage): Promise<void> {
    await this.applyBatch([m]);
  }

  /** Three reads whatever the number of dispensers: their rows, their sites' open alerts, and the samples of those whose row moved on. */
  async list(siteId?: string): Promise<DispenserDto[]> {
    const rows = await this.repo.states(siteId);
    const items: Shown[] = [];
    for (const site of this.sites.all()) {
      if (siteId && site.site.id !== siteId) continue;
      for (const d of site.dispensers) items.push({ siteId: site.site.id, dispenser: d, row: rows.find((r) => r.site_id === site.site.id && r.dispenser_id === d.id) });
    }
    return this.dtos(items);
  }

  /** Each changed dispenser as the list answers it now (its revision read with its level), for the live event: one read of rows per site. */
  private async announce(changed: readonly { siteId: string; dispenser: SiteDispenser }[]): Promise<void> {
    if (changed.length === 0 || !this.changes$.observed) return;
    try {
      const rows = new Map<string, DispenserRow[]>();
      for (const { siteId } of changed) if (!rows.has(siteId)) rows.set(siteId, await this.repo.states(siteId));
      const items = changed.map(({ siteId, dispenser }) => ({ siteId, dispenser, row: rows.get(siteId)!.find((r) => r.dispenser_id === dispenser.id) }));
      for (const dto of await this.dtos(items)) this.changes$.next(dto);
    } catch (error) {
      // The levels are stored and their alerts matched; a screen that missed the push reloads on reconnect.
      this.log.warn(`live dispenser event for ${changed.length} dispenser(s) failed: ${(error as Error).message}`);
    }
  }

  /** Items of GET /api/consumables/dispensers and of the live `dispenser` event: the site file's dispenser with its stored state. */
  private async dtos(items: readonly Shown[]): Promise<DispenserDto[]> {
    const open = await this.openAlerts(items.map((i) => i.siteId));
    const rates = await this.ratesOf(items);
    const out: DispenserDto[] = [];
    for (const { siteId, dispenser: d, row } of items) {
      const levelAt = row?.level_at ?? undefined;
      const rate = rates.get(dispenserKey(siteId, d.id));
      const emptyAt = row?.level !== null && row?.level !== undefined && levelAt ? expectedEmptyAt(row.level, levelAt, rate) : undefined;
      const alert = open.get(alertKey(siteId, 'dispenser.empty', d.id)) ?? open.get(alertKey(siteId, 'dispenser.low', d.id));
      out.push({
        siteId,
        timezone: this.sites.timezoneOf(siteId),
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
        openAlert: alert && openAlert(alert),
        revision: row?.last_seq ?? 0,
      });
    }
    return out;
  }

  /**
   * Each dispenser's consumption rate over the day before its shown level. Samples only change
   * with a message applied to the dispenser, which moves its last_seq (a late, older report too:
   * it feeds the rate without moving the level), so a rate is computed again only when the row's
   * seq moved on (the list is asked far more often than a dispenser reports). The samples it
   * needs are kept from one computation to the next, and only those stored since are read, for
   * every such dispenser at once: a dispenser reporting every 30 s has ~2,900 in a day, and
   * reading them all for each batch was most of a replay's server time (issue 9.7).
   */
  private async ratesOf(items: readonly Shown[]): Promise<Map<string, number | undefined>> {
    const rates = new Map<string, number | undefined>();
    const stale: { k: string; siteId: string; dispenserId: string; afterSeq: number; since: Date; row: DispenserRow; levelAt: Date; kept: StoredSample[] }[] = [];
    for (const { siteId, row } of items) {
      const levelAt = row?.level_at;
      if (!row || !levelAt) continue;
      const k = dispenserKey(siteId, row.dispenser_id);
      const known = this.rates.get(k);
      if (known && known.seq === row.last_seq && known.levelAt === levelAt.getTime()) rates.set(k, known.rate);
      else {
        // What was kept and the seq it goes up to, taken together: a list read under way meanwhile may replace both.
        const kept = this.samples.get(k);
        stale.push({ k, siteId, dispenserId: row.dispenser_id, afterSeq: kept?.upToSeq ?? 0, since: new Date(levelAt.getTime() - RATE_WINDOW_MS), row, levelAt, kept: kept?.samples ?? [] });
      }
    }
    const fresh = await this.repo.samplesAfter(stale);
    for (const { k, since, row, levelAt, afterSeq, kept } of stale) {
      const read = fresh.get(k) ?? [];
      // The shown level never moves back in time, so neither does `since`: what fell out of the window stays out.
      const samples = [...kept.filter((x) => x.at.getTime() >= since.getTime()), ...read];
      // Every sample up to the row's seq was committed with it, before the read.
      const upToSeq = read.reduce((max, x) => Math.max(max, x.seq), Math.max(afterSeq, row.last_seq));
      this.samples.set(k, { upToSeq, samples });
      const rate = consumptionRate(samples);
      this.rates.set(k, { seq: row.last_seq, levelAt: levelAt.getTime(), rate });
      rates.set(k, rate);
    }
    return rates;
  }

  /** What the repository needs of a message, or undefined for one that is not this handler's. */
  private item(m: AcceptedMessage): DispenserItem | undefined {
    if (m.kind !== 'dispenser' || m.lastWill) return undefined;
    const dispenser = this.sites.site(m.siteId)?.dispensers.find((d) => d.id === m.deviceId);
    if (!dispenser) return undefined;
    const base = { siteId: m.siteId, dispenserId: dispenser.id, seq: m.seq, at: m.observedAt ?? m.receivedAt };
    if (m.stream === 'telemetry') {
      const t = m.payload as DispenserTelemetry;
      return { m, dispenser, input: { type: 'level', ...base, level: t.level, battery: t.battery } };
    }
    // dispenser/event is a refill (CONTRACT §1).
    if (m.stream === 'event') return { m, dispenser, input: { type: 'refill', ...base } };
    return undefined;
  }

  /**
   * The open dispenser alerts of these sites, one read per site: what the batch's matching starts
   * from instead of a read per dispenser and type (issue 9.7: those reads were most of this
   * handler's statements). Only this handler raises and clears them; a user's clear in between
   * is the race reassert() had between its read and its write too.
   */
  private async openAlerts(siteIds: readonly string[]): Promise<Map<string, AlertDto>> {
    const open = new Map<string, AlertDto>();
    for (const siteId of new Set(siteIds)) {
      for (const a of await this.alerts.findOpenOfTypes(siteId, ['dispenser.empty', 'dispenser.low'])) open.set(alertKey(siteId, a.type, a.subject), a);
    }
    return open;
  }

  /**
   * Makes the open alerts agree with `want` (as AlertsService.reassert: raised only when none is
   * open, cleared when one is), `open` being what is open now and kept so. Raise `low` before
   * `empty` (the replenish order is made by `low`, and `empty` raises its priority); clear `empty` before `low`.
   */
  private async matchAlerts(siteId: string, d: SiteDispenser, at: Date, stored: number | null, want: { low: boolean; empty: boolean }, open: Map<string, AlertDto>): Promise<void> {
    const order = want.low ? (['dispenser.low', 'dispenser.empty'] as const) : (['dispenser.empty', 'dispenser.low'] as const);
    for (const type of order) {
      const k = alertKey(siteId, type, d.id);
      const holds = type === 'dispenser.low' ? want.low : want.empty;
      if (holds === open.has(k)) continue;
      if (!holds) {
        await this.alerts.clear(siteId, type, d.id, at);
        open.delete(k);
        continue;
      }
      const level = Math.round(stored! * 10) / 10;
      const said = { level, lowPct: d.lowPct, emptyPct: d.emptyPct, consumable: d.consumable };
      const details = { level: stored!, lowPct: d.lowPct, emptyPct: d.emptyPct, consumable: d.consumable };
      open.set(k, await this.alerts.raise({ siteId, type, subject: d.id, at, message: alertMessage(d.name, { type, details: said }), details }));
    }
  }
}

interface Shown {
  siteId: string;
  dispenser: SiteDispenser;
  row: DispenserRow | undefined;
}

interface DispenserItem {
  m: AcceptedMessage;
  dispenser: SiteDispenser;
  input: DispenserInput;
}

/** Whether two levels call for the same alerts (null: no level yet, no alert). */
function sameAlerts(before: number | null, after: number | null, d: SiteDispenser): boolean {
  const a = before === null ? { low: false, empty: false } : dispenserAlerts(before, d);
  const b = after === null ? { low: false, empty: false } : dispenserAlerts(after, d);
  return a.low === b.low && a.empty === b.empty;
}

const alertKey = (siteId: string, type: string, subject: string) => `${siteId}\u0000${type}\u0000${subject}`;

function nothingWanted(level: number | null, d: SiteDispenser): boolean {
  if (level === null) return true;
  const want = dispenserAlerts(level, d);
  return !want.low && !want.empty;
}

function openAlert(a: AlertDto): NonNullable<DispenserDto['openAlert']> {
  return { id: a.id, type: a.type, severity: a.severity, raisedAt: a.raisedAt, workOrderId: a.workOrderId };
}
