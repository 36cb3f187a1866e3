import { Inject, Injectable, Logger } from '@nestjs/common';
import { Subject } from 'rxjs';
import { alertMessage, type GateEvent, type GateTelemetry, type ParkingLotDto, type SiteConfig } from '@estate-watch/contracts';
import { barrierAlerts, barrierAlertsHeld, faultCode, isStuckOpen, localDateOf, lotIsFull, reconcileLot, reconciliationDue, reconciliationDueAt, stuckOpenFrom, stuckOpenOwed, type BarrierReport } from '@estate-watch/domain';
import { AlertsService, type AlertAnnouncement, type RaiseAlert } from '../alerts/alerts.service';
import { CLOCK, type Clock } from '../common/clock';
import type { NextDue } from '../common/periodic';
import type { AcceptedMessage, MessageHandler, MessageSelector } from '../ingest/accepted-message';
import { IngestHandler } from '../ingest/ingest-handler';
import { SitesService } from '../sites/sites.service';
import type { GateInput, GateOutcome, NextFull } from './gate-batch';
import { ParkingRepository, type GateRow, type LotRow } from './parking.repository';

type SiteGate = SiteConfig['gates'][number];
type SiteLot = SiteConfig['lots'][number];

const DAY_MS = 24 * 3600_000;

/**
 * Lots and barriers (CONTRACT §1 gate/event and gate/telemetry, §4 parking.full, gate.stuck_open,
 * gate.fault). A MessageHandler fed by ingest; the stuck-open and nightly sweeps run on the caller's clock.
 * State is committed first, once per seq; alerts follow from the change (see README.md).
 */
@IngestHandler()
@Injectable()
export class ParkingService implements MessageHandler {
  readonly name = 'parking';
  readonly selects: MessageSelector = { kinds: ['gate'], streams: ['event', 'telemetry'] };
  /** Past-tense: a lot whose count, gates or check changed (the live `parking` event). */
  readonly changes$ = new Subject<ParkingLotDto>();
  private readonly log = new Logger(ParkingService.name);

  constructor(
    private readonly repo: ParkingRepository,
    private readonly alerts: AlertsService,
    private readonly sites: SitesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * A batch in as few transactions as its alerts allow (ParkingRepository.applyBatch: each lot's
   * count, each gate's row written once per transaction), then the alerts its changes call for, in
   * seq order; a transaction ends after a change that raises or clears one (endsTransaction). A
   * gate.stuck_open owed by an opening that ended unreported (stuckOpenOwed) is raised in the
   * transaction of the report that ended it: once that report is stored nothing could raise it
   * again. A replayed message re-asserts what the stored state implies. The live `parking` event
   * goes out once per changed lot at the end: a burst of passes reads each lot back once, not per pass.
   */
  async applyBatch(batch: readonly AcceptedMessage[]): Promise<void> {
    const items = batch.flatMap((m) => this.item(m) ?? []);
    const changed = new Set<string>();
    const nextFull: NextFull = (input, occupancy, wasFull) => lotIsFull(occupancy, input.capacity, wasFull);
    for (let from = 0; from < items.length; ) {
      const rest = items.slice(from);
      const owed: AlertAnnouncement[] = [];
      const outcomes = await this.repo.applyBatch(rest.map((i) => i.input), nextFull, endsTransaction, async (tx, judged) => {
        owed.length = 0; // a transaction tried again starts over
        for (const [k, outcome] of judged.entries()) {
          const alert = owedStuckOpen(rest[k]!, outcome);
          if (alert) owed.push(await this.alerts.raiseWithin(tx, alert));
        }
      });
      for (const announce of owed) await announce();
      const applied = items.slice(from, from + outcomes.length);
      if (outcomes[0]?.applied) await this.follow(applied, outcomes, changed);
      else await this.reassert(applied);
      from += outcomes.length;
    }
    await this.announceLots(changed);
  }

  async handle(m: AcceptedMessage): Promise<void> {
    await this.applyBatch([m]);
  }

  /** The site's lots (all sites' without siteId); `only` picks some lots of that site. Three reads whatever their number. */
  async lots(siteId?: string, only?: ReadonlySet<string>): Promise<ParkingLotDto[]> {
    const now = this.clock.now();
    const [lotRows, gateRows, clamps] = await Promise.all([this.repo.lots(), this.repo.gates(siteId), this.repo.clampCounts(new Date(now.getTime() - DAY_MS), now, siteId)]);
    const out: ParkingLotDto[] = [];
    for (const site of this.sites.all()) {
      if (siteId && site.site.id !== siteId) continue;
      for (const lot of site.lots) {
        if (only && !only.has(lot.id)) continue;
        const row = lotRows.find((r) => r.site_id === site.site.id && r.lot_id === lot.id);
        const occupancy = row?.occupancy ?? 0;
        out.push({
          siteId: site.site.id,
          timezone: site.site.timezone,
          id: lot.id,
          name: lot.name,
          capacity: lot.capacity,
          occupancy,
          free: Math.max(0, lot.capacity - occupancy),
          full: row?.is_full ?? false,
          gates: site.gates.filter((g) => g.lot === lot.id).map((g) => gateDto(g, gateRows.find((r) => r.site_id === site.site.id && r.gate_id === g.id))),
          lastReconciliation: row?.last_reconciled_day && row.last_reconciled_at
            ? { day: row.last_reconciled_day, at: new Date(row.last_reconciled_at).toISOString(), flags: row.last_flags }
            : undefined,
          negativeClamps24h: clamps.get(`${site.site.id}\u0000${lot.id}`) ?? 0,
          revision: Math.max(0, ...gateRows.filter((r) => r.site_id === site.site.id && site.gates.some((g) => g.id === r.gate_id && g.lot === lot.id)).map((r) => Number(r.last_seq))),
        });
      }
    }
    return out;
  }

  /** gate.stuck_open: barriers open longer than their gate's stuckOpenSec. Returns how many were raised. */
  async sweepStuckOpen(now: Date = this.clock.now()): Promise<number> {
    let raised = 0;
    for (const row of await this.repo.openGates()) {
      const gate = this.sites.site(row.site_id)?.gates.find((g) => g.id === row.gate_id);
      if (!gate || !isStuckOpen(row.barrier, row.barrier_since, now, gate.stuckOpenSec)) continue;
      // Marked and raised together (a sweep reads open barriers, then a closing may be applied
      // before it raises: the mark finds the barrier closed and nothing is raised; the closing
      // raises the alert it owes, stuckOpenOwed).
      const announce = await this.repo.markStuck(row, (tx) => this.alerts.raiseWithin(tx, stuckOpenAlert(row.site_id, gate, row.barrier_since!, now, now)));
      if (!announce) continue;
      await announce();
      raised++;
    }
    return raised;
  }

  /** The nightly check, for every lot whose site-local day is due (03:00 local or later, once a day). */
  async sweepReconciliation(now: Date = this.clock.now()): Promise<number> {
    const rows = await this.repo.lots();
    let ran = 0;
    for (const site of this.sites.all()) {
      for (const lot of site.lots) {
        const row = rows.find((r) => r.site_id === site.site.id && r.lot_id === lot.id);
        const day = reconciliationDue(now, site.site.timezone, row?.last_reconciled_day ?? null);
        if (!day) continue;
        await this.reconcileLot(site, lot, row, day, now);
        ran++;
      }
    }
    return ran;
  }

  /**
   * When the parking sweep (sweepStuckOpen, sweepReconciliation) next has work (a replay runs it
   * then, common/periodic.ts NextDue): the first open barrier to pass its gate's stuckOpenSec, or
   * the next 03:00 local of a lot not yet reconciled that day. A barrier that opens is stuck no
   * sooner than its gate's stuckOpenSec later.
   */
  sweepDue(): NextDue {
    const sites = this.sites;
    return {
      after: (now) => this.nextSweepAt(now),
      get leadMs() {
        return Math.min(...sites.all().flatMap((s) => s.gates.map((g) => g.stuckOpenSec * 1000)));
      },
    };
  }

  private async nextSweepAt(now: Date): Promise<Date | null> {
    let due = Infinity;
    for (const row of await this.repo.openGates()) {
      const gate = this.sites.site(row.site_id)?.gates.find((g) => g.id === row.gate_id);
      if (gate && row.barrier_since) due = Math.min(due, stuckOpenFrom(row.barrier_since, gate.stuckOpenSec).getTime());
    }
    const rows = await this.repo.lots();
    for (const site of this.sites.all()) {
      for (const lot of site.lots) {
        const row = rows.find((r) => r.site_id === site.site.id && r.lot_id === lot.id);
        due = Math.min(due, reconciliationDueAt(now, site.site.timezone, row?.last_reconciled_day ?? null).getTime());
      }
    }
    return Number.isFinite(due) ? new Date(due) : null;
  }

  /** Callable at any time (POST /api/parking/reconcile): checks every lot now, as the nightly sweep would. */
  async reconcile(now: Date = this.clock.now()): Promise<ParkingLotDto[]> {
    const rows = await this.repo.lots();
    for (const site of this.sites.all()) {
      const day = localDateOf(now, site.site.timezone);
      for (const lot of site.lots) {
        await this.reconcileLot(site, lot, rows.find((r) => r.site_id === site.site.id && r.lot_id === lot.id), day, now);
      }
    }
    return this.lots();
  }

  private async reconcileLot(site: SiteConfig, lot: SiteLot, row: LotRow | undefined, day: string, now: Date): Promise<void> {
    const negativeClamps = await this.repo.countClamps(site.site.id, lot.id, new Date(now.getTime() - DAY_MS), now);
    const overCapacitySince = row?.over_capacity_since ? new Date(row.over_capacity_since) : null;
    const occupancy = row?.occupancy ?? 0;
    const flags = reconcileLot({ capacity: lot.capacity, occupancy, negativeClamps, overCapacitySince }, now);
    await this.repo.recordReconciliation(site.site.id, lot.id, day, now, flags, { occupancy, capacity: lot.capacity, negativeClamps });
    await this.announce(site.site.id, lot.id);
    if (flags.length > 0) this.log.warn(`lot ${site.site.id}/${lot.id}: implausible count (${flags.join(', ')}), occupancy ${occupancy}/${lot.capacity}: recount on site`);
  }

  /** The live `parking` event of every changed lot (`site\u0000lot`), read back once per site: a batch of passes through twenty lots is three reads, not twenty lists. */
  private async announceLots(changed: ReadonlySet<string>): Promise<void> {
    if (changed.size === 0 || !this.changes$.observed) return;
    const bySite = new Map<string, Set<string>>();
    for (const key of changed) {
      const [siteId, lotId] = key.split('\u0000') as [string, string];
      bySite.set(siteId, (bySite.get(siteId) ?? new Set()).add(lotId));
    }
    for (const [siteId, lotIds] of bySite) for (const lot of await this.lots(siteId, lotIds)) this.changes$.next(lot);
  }

  private async announce(siteId: string, lotId: string): Promise<void> {
    if (!this.changes$.observed) return;
    const lot = (await this.lots(siteId)).find((l) => l.id === lotId);
    if (lot) this.changes$.next(lot);
  }

  /** What the repository needs of a message, or undefined for one that is not this handler's. */
  private item(m: AcceptedMessage): GateItem | undefined {
    if (m.kind !== 'gate' || m.lastWill) return undefined;
    const site = this.sites.site(m.siteId);
    const gate = site?.gates.find((g) => g.id === m.deviceId);
    const lot = gate && site?.lots.find((l) => l.id === gate.lot);
    if (!site || !gate || !lot) return undefined;
    const at = m.observedAt ?? m.receivedAt;
    const base = { siteId: m.siteId, gateId: gate.id, seq: m.seq, at };
    if (m.stream === 'event') {
      const event = m.payload as GateEvent;
      const pass = event.type === 'pass' ? { direction: event.direction, plate: event.plate, credential: event.credential } : undefined;
      return { m, gate, lot, input: { type: 'pass', ...base, lotId: lot.id, capacity: lot.capacity, pass } };
    }
    if (m.stream !== 'telemetry') return undefined;
    const t = m.payload as GateTelemetry;
    return { m, gate, lot, input: { type: 'barrier', ...base, barrier: t.barrier, fault: t.barrier === 'fault' ? (t.fault ?? null) : null, stuckOpenSec: gate.stuckOpenSec } };
  }

  /** The alerts of freshly applied messages, in seq order; stuck-open clears once per gate at the end. */
  private async follow(items: readonly GateItem[], outcomes: readonly GateOutcome[], changed: Set<string>): Promise<void> {
    const closed = new Map<string, { siteId: string; gateId: string; at: Date }>();
    for (const [k, outcome] of outcomes.entries()) {
      if (!outcome.applied) continue;
      const { m, gate, lot, input } = items[k]!;
      const lotKey = `${m.siteId}\u0000${lot.id}`;
      if (outcome.type === 'pass') {
        const applied = outcome.result;
        if (applied.clamped) this.log.warn(`lot ${m.siteId}/${lot.id}: out pass at ${gate.id} with the lot already empty; count kept at 0 and recorded`);
        if (applied.full && !applied.wasFull) await this.alerts.raise(fullAlert(m.siteId, lot, applied.occupancy, input.at));
        else if (!applied.full && applied.wasFull) await this.alerts.clear(m.siteId, 'parking.full', lot.id, input.at);
        if (input.type === 'pass' && input.pass) changed.add(lotKey);
        continue;
      }
      const { before, after } = outcome;
      const effects = barrierAlerts(before, after);
      if (effects.fault === 'raise') await this.alerts.raise(faultAlert(m.siteId, gate, after, input.at));
      else if (effects.fault === 'clear') await this.alerts.clear(m.siteId, 'gate.fault', gate.id, input.at);
      if (effects.stuckOpen === 'clear') closed.set(`${m.siteId}\u0000${gate.id}`, { siteId: m.siteId, gateId: gate.id, at: input.at });
      if (before.barrier !== after.barrier || before.fault !== after.fault) changed.add(lotKey);
    }
    for (const c of closed.values()) await this.alerts.clear(c.siteId, 'gate.stuck_open', c.gateId, c.at);
  }

  /**
   * Replayed messages (their state was committed before a crash): make sure the alerts the
   * stored state implies exist, once per lot and gate.
   */
  private async reassert(items: readonly GateItem[]): Promise<void> {
    const lots = new Map(items.map((i) => [`${i.m.siteId}\u0000${i.lot.id}`, i]));
    for (const { m, lot, input } of lots.values()) {
      const row = await this.repo.lot(m.siteId, lot.id);
      if (row) await this.alerts.reassert(fullAlert(m.siteId, lot, row.occupancy, input.at), row.is_full);
    }
    const gates = new Map(items.filter((i) => i.input.type === 'barrier').map((i) => [`${i.m.siteId}\u0000${i.gate.id}`, i]));
    for (const { m, gate, input } of gates.values()) {
      const row = await this.repo.gate(m.siteId, gate.id);
      if (!row) continue;
      const held = barrierAlertsHeld(row);
      await this.alerts.reassert(faultAlert(m.siteId, gate, row, input.at), held.fault);
      if (held.stuckOpen === 'clear') await this.alerts.clear(m.siteId, 'gate.stuck_open', gate.id, input.at);
    }
  }
}

function fullAlert(siteId: string, lot: SiteLot, occupancy: number, at: Date): RaiseAlert {
  return {
    siteId,
    type: 'parking.full',
    subject: lot.id,
    at,
    message: alertMessage(lot.name, { type: 'parking.full', details: { occupancy, capacity: lot.capacity } }),
    details: { occupancy, capacity: lot.capacity },
  };
}

/** gate.stuck_open of a barrier open since `openSince`, still open at `until` (the sweep's now) or closed then (owed); raised as of `at`. */
function stuckOpenAlert(siteId: string, gate: SiteGate, openSince: Date, until: Date, at: Date): RaiseAlert {
  const openSec = Math.round((until.getTime() - openSince.getTime()) / 1000);
  return {
    siteId,
    type: 'gate.stuck_open',
    subject: gate.id,
    at,
    message: alertMessage(gate.name, { type: 'gate.stuck_open', details: { openSec, stuckOpenSec: gate.stuckOpenSec } }),
    details: { openSince: openSince.toISOString(), openSec, stuckOpenSec: gate.stuckOpenSec },
  };
}

/** The gate.stuck_open a fresh barrier report owes (stuckOpenOwed): it ended an opening longer than stuckOpenSec that no sweep reported. */
function owedStuckOpen({ m, gate }: GateItem, outcome: GateOutcome): RaiseAlert | undefined {
  if (!outcome.applied || outcome.type !== 'barrier') return undefined;
  const since = owedSince(outcome, gate.stuckOpenSec);
  return since ? stuckOpenAlert(m.siteId, gate, outcome.before.barrier_since!, outcome.after.barrier_at!, since) : undefined;
}

/** When the opening this barrier report ended became stuck, if its alert is owed (stuckOpenOwed). */
function owedSince({ before, after }: BarrierOutcome, stuckOpenSec: number): Date | null {
  if (!after.barrier || !after.barrier_at) return null;
  return stuckOpenOwed({ barrier: before.barrier, openSince: before.barrier_since, raised: before.stuck_raised }, after.barrier, after.barrier_at, stuckOpenSec);
}

type BarrierOutcome = Extract<GateOutcome, { type: 'barrier' }>;

function faultAlert(siteId: string, gate: SiteGate, report: BarrierReport, at: Date): RaiseAlert {
  const code = faultCode(report);
  return { siteId, type: 'gate.fault', subject: gate.id, at, message: alertMessage(gate.name, { type: 'gate.fault', details: { fault: code } }), details: { fault: code } };
}

interface GateItem {
  m: AcceptedMessage;
  gate: SiteGate;
  lot: SiteLot;
  input: GateInput;
}

/**
 * A change whose alert must follow before the next state is committed: parking.full raised or
 * cleared, gate.fault raised (a new code is a repeat) or cleared, a stuck-open alert cleared, or
 * one owed by the opening a report ended (raised within, cleared after).
 */
function endsTransaction(input: GateInput, outcome: GateOutcome): boolean {
  if (!outcome.applied) return false;
  if (outcome.type === 'pass') return outcome.result.full !== outcome.result.wasFull;
  const effects = barrierAlerts(outcome.before, outcome.after);
  // A closing clears gate.stuck_open; only one that was raised (or is owed) needs its own transaction.
  const owed = input.type === 'barrier' && owedSince(outcome, input.stuckOpenSec) !== null;
  return effects.fault !== null || owed || (effects.stuckOpen === 'clear' && outcome.before.stuck_raised);
}

function gateDto(g: SiteGate, row: GateRow | undefined) {
  return {
    id: g.id,
    name: g.name,
    barrier: row?.barrier ?? null,
    fault: row?.fault ?? undefined,
    barrierSince: row?.barrier_since?.toISOString(),
    stuckOpenSec: g.stuckOpenSec,
    lastPass: row?.last_pass && row.last_pass_at ? { at: row.last_pass_at.toISOString(), ...row.last_pass } : undefined,
  };
}
