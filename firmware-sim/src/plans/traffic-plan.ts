// Cars through the barrier gates over one site-local day: residents leave in the morning peak
// (07:30–09:00) and come back in the evening peak (17:30–19:30), visitors come and go through
// the day, each lot's count is tracked so it never goes below zero or over capacity (an arrival
// at a full lot is refused). Once a day a barrier sticks open past its stuckOpenSec; now and then
// one faults with a code and recovers. Pure: same site, date, seed and state, same day.
import type { SiteConfig } from '@estate-watch/contracts';
import { between, byHour, DAY_MIN, firstMinute, localDay, MIN, poisson, type EstateEvent, type GateAction, type LocalDay } from './estate-day';
import type { Credential, Direction } from '../devices/gate';
import { plateOf, uniquePlates } from './plates';
import { hashSeed, seededRandom, type Random } from '../common/random';

export interface TrafficRates {
  /** Chance a day that one barrier of the site sticks open past its stuckOpenSec (default 1: once a day). */
  stuckPerDay: number;
  /** Chance a day that one barrier reports a fault with a code, cleared after 5–20 min. */
  faultPerDay: number;
  /** Share of visitor arrivals refused as blacklisted (they drive away). */
  blacklist: number;
  /** Share of visitor exits refused as unpaid (they pay and leave 1–3 min later). */
  unpaid: number;
  /** Share of resident arrivals refused for an expired monthly permit (the guard then opens by remote). */
  permitExpired: number;
}

export const DEFAULT_TRAFFIC_RATES: Readonly<TrafficRates> = { stuckPerDay: 1, faultPerDay: 0.3, blacklist: 0.01, unpaid: 0.05, permitExpired: 0.005 };

/** Who parks in a lot: residents' cars that sleep there, and visitors at the busiest hour. */
export interface LotProfile {
  residents: number;
  visitorsPerHour: number;
}

export interface LotState {
  /** Plates of the lot's resident cars parked in it. */
  home: string[];
  away: string[];
  visitors: Array<{ plate: string; leaveAt: number; paid?: boolean }>;
}

export type TrafficState = Record<string, LotState>;

export interface TrafficOptions {
  rates?: Partial<TrafficRates>;
  lots?: Record<string, Partial<LotProfile>>;
  /** Plan from this instant on (the estate started mid-day); default the whole day. */
  from?: number;
  /** Barrier faults besides the drawn one (the demo's opening): cars keep away from the gate while it lasts. */
  faults?: Array<{ gate: string; from: number; until: number; code: string }>;
}

/**
 * A big lot is a residents' garage (85 % of its bays sold or rented monthly, few visitors);
 * a small one is the visitors' lot (临停) with some residents who have no garage bay.
 */
export function lotProfile(capacity: number, override: Partial<LotProfile> = {}): LotProfile {
  const garage = capacity >= 200;
  return {
    residents: Math.round(capacity * (garage ? 0.85 : 0.5)),
    visitorsPerHour: Math.round(capacity * (garage ? 0.01 : 0.3) * 10) / 10,
    ...override,
  };
}

/**
 * The lots at the start: `occupancy` cars in each, by `site/lot` or lot id (default 0, what a fresh server counts), residents
 * first, the rest visitors leaving over the next hours. Resident plates are fixed per lot and seed.
 */
export function initialTraffic(site: SiteConfig, seed: number, at: number, occupancy: Record<string, number> = {}, lots: Record<string, Partial<LotProfile>> = {}): TrafficState {
  const state: TrafficState = {};
  for (const lot of site.lots) {
    const profile = lotProfile(lot.capacity, lots[lot.id]);
    const random = seededRandom(hashSeed(`${site.site.id}|${lot.id}|plates`, seed));
    const plates = uniquePlates(profile.residents, random);
    const parked = Math.max(0, Math.min(lot.capacity, Math.round(occupancy[`${site.site.id}/${lot.id}`] ?? occupancy[lot.id] ?? 0)));
    const home = plates.slice(0, Math.min(parked, plates.length));
    const visitors = Array.from({ length: parked - home.length }, () => ({ plate: plateOf(random), leaveAt: at + between(random, 10, 240) * MIN }));
    state[lot.id] = { home, away: plates.slice(home.length), visitors };
  }
  return state;
}

/** The gate events of site-local `date`, and the lots as the day leaves them. */
export function planTraffic(site: SiteConfig, date: string, seed: number, state: TrafficState, options: TrafficOptions = {}): { events: EstateEvent[]; state: TrafficState } {
  const rates = { ...DEFAULT_TRAFFIC_RATES, ...options.rates };
  const day = localDay(date, site.site.timezone);
  const gates = new Map(site.gates.map((g) => [g.id, newGate(g.id, g.lot)]));
  planIncidents(site, day, seed, rates, gates, options.from);
  for (const f of options.faults ?? []) {
    const gate = gates.get(f.gate);
    if (gate) gate.fault = { from: f.from, until: f.until, code: f.code };
  }
  const events: EstateEvent[] = [];
  const out: TrafficState = {};
  for (const lot of site.lots) {
    const lotGates = [...gates.values()].filter((g) => g.lot === lot.id);
    const profile = lotProfile(lot.capacity, options.lots?.[lot.id]);
    const random = seededRandom(hashSeed(`${site.site.id}|${date}|${lot.id}|traffic`, seed));
    const lotState = state[lot.id] ?? { home: [], away: [], visitors: [] };
    const sim = new LotDay(lot.id, lot.capacity, profile, lotState, lotGates, day, rates, random);
    sim.run(firstMinute(day, options.from), options.from ?? day.start);
    out[lot.id] = sim.state();
    for (const g of lotGates) g.finish();
  }
  for (const g of gates.values()) events.push(...g.events.map((e) => ({ ...e, siteId: site.site.id, device: g.id, kind: 'gate' as const, lot: g.lot })));
  events.sort((a, b) => a.at - b.at);
  // A car queued at one gate may pass after a car the lot saw later at another: count in time order, as the server will.
  const counts = new Map(site.lots.map((l) => [l.id, (state[l.id]?.home.length ?? 0) + (state[l.id]?.visitors.length ?? 0)]));
  for (const e of events) {
    if (e.kind !== 'gate' || e.action !== 'pass') continue;
    counts.set(e.lot, counts.get(e.lot)! + (e.direction === 'in' ? 1 : -1));
    e.occupancy = counts.get(e.lot)!;
  }
  return { events, state: out };
}

// Residents' chance per minute to drive off (of those parked) or to come back (of those away).
const LEAVE = {
  weekday: byHour([['00:00', 0.00005], ['06:00', 0.0015], ['07:30', 0.009], ['09:00', 0.0008], ['12:00', 0.0006], ['17:30', 0.0008], ['19:30', 0.0004], ['23:00', 0.00005]]),
  weekend: byHour([['00:00', 0.00005], ['06:00', 0.0006], ['07:30', 0.002], ['09:00', 0.003], ['12:00', 0.0015], ['17:30', 0.0008], ['19:30', 0.0004], ['23:00', 0.00005]]),
};
const RETURN = {
  weekday: byHour([['00:00', 0.002], ['06:00', 0.0005], ['07:30', 0.0006], ['17:30', 0.011], ['19:30', 0.006], ['23:00', 0.002]]),
  weekend: byHour([['00:00', 0.002], ['06:00', 0.0005], ['07:30', 0.002], ['11:00', 0.003], ['17:30', 0.008], ['19:30', 0.006], ['23:00', 0.002]]),
};
/** Visitors as a share of the lot's busiest hour (evening visits to family). */
const VISITORS = byHour([['00:00', 0.03], ['07:00', 0.25], ['09:00', 0.5], ['17:30', 1], ['20:30', 0.3], ['23:00', 0.03]]);
const FAULT_CODES = ['E-MOTOR', 'E-LOOP', 'E-ARM', 'E-COMM', 'E-LIMIT'] as const;

type Timed = { at: number } & GateAction;

/** One gate through the day: when the next car can start, and its stuck or fault spell. */
interface GateDay {
  id: string;
  lot: string;
  free: number;
  stuck?: { at: number; holdMs: number; until?: number };
  fault?: { from: number; until: number; code: string };
  events: Timed[];
  finish(): void;
}

function newGate(id: string, lot: string): GateDay {
  const gate: GateDay = {
    id,
    lot,
    free: 0,
    events: [],
    finish() {
      if (gate.fault) gate.events.push({ at: gate.fault.from, action: 'barrier', barrier: 'fault', fault: gate.fault.code }, { at: gate.fault.until, action: 'barrier', barrier: 'closed' });
    },
  };
  return gate;
}

/** Today's stuck barrier (10:00–20:00) and maybe a fault (07:00–22:00) on another gate, drawn apart from the traffic. */
function planIncidents(site: SiteConfig, day: LocalDay, seed: number, rates: TrafficRates, gates: Map<string, GateDay>, from: number | undefined): void {
  const random = seededRandom(hashSeed(`${site.site.id}|${day.date}|gate-incidents`, seed));
  const ids = [...gates.keys()];
  if (ids.length === 0) return;
  const [stuckDraw, stuckGate, stuckAt, stuckHold, faultDraw, faultGate, faultAt, faultLen, faultCode] = Array.from({ length: 9 }, () => random());
  let stuckId: string | undefined;
  if (stuckDraw! < rates.stuckPerDay) {
    stuckId = ids[Math.floor(stuckGate! * ids.length)]!;
    const cfg = site.gates.find((g) => g.id === stuckId)!;
    gates.get(stuckId)!.stuck = { at: day.at(600 + stuckAt! * 600), holdMs: cfg.stuckOpenSec * 1000 + (2 + stuckHold! * 8) * MIN };
  }
  const others = ids.filter((id) => id !== stuckId);
  if (faultDraw! < rates.faultPerDay && others.length > 0) {
    const gate = gates.get(others[Math.floor(faultGate! * others.length)]!)!;
    const start = day.at(420 + faultAt! * 900);
    if (from === undefined || start >= from) gate.fault = { from: start, until: start + (5 + faultLen! * 15) * MIN, code: FAULT_CODES[Math.floor(faultCode! * FAULT_CODES.length)]! };
  }
}

/** The minute-by-minute life of one lot. */
class LotDay {
  private readonly home: Set<string>;
  private readonly away: Set<string>;
  private visitors: LotState['visitors'];
  private readonly ins: GateDay[];
  private readonly outs: GateDay[];

  constructor(
    private readonly lot: string,
    private readonly capacity: number,
    private readonly profile: LotProfile,
    state: LotState,
    gates: GateDay[],
    private readonly day: LocalDay,
    private readonly rates: TrafficRates,
    private readonly random: Random,
  ) {
    this.home = new Set(state.home);
    this.away = new Set(state.away);
    this.visitors = state.visitors.map((v) => ({ ...v }));
    // Gates named for one direction serve it; a lot with a single gate uses it both ways.
    const way = (g: GateDay, d: Direction) => new RegExp(`(^|[-_])${d}($|[-_])`).test(g.id);
    this.ins = gates.filter((g) => way(g, 'in'));
    this.outs = gates.filter((g) => way(g, 'out'));
    if (this.ins.length === 0) this.ins = gates;
    if (this.outs.length === 0) this.outs = gates;
  }

  get occupancy(): number {
    return this.home.size + this.visitors.length;
  }

  state(): LotState {
    return { home: [...this.home], away: [...this.away], visitors: this.visitors };
  }

  run(fromMinute: number, from: number): void {
    if (this.ins.length === 0) return;
    const kind = this.day.weekend ? 'weekend' : 'weekday';
    for (const g of [...this.ins, ...this.outs]) g.free = Math.max(g.free, from);
    for (let m = fromMinute; m < DAY_MIN; m++) {
      const t0 = Math.max(from, this.day.at(m));
      const moves: Array<{ at: number; go: (at: number) => void }> = [];
      const leave = LEAVE[kind](m);
      const back = RETURN[kind](m);
      for (const plate of this.home) if (this.random() < leave) moves.push({ at: t0 + this.random() * MIN, go: (at) => this.residentOut(plate, at) });
      for (const plate of this.away) if (this.random() < back) moves.push({ at: t0 + this.random() * MIN, go: (at) => this.residentIn(plate, at) });
      const arrivals = poisson(((this.profile.visitorsPerHour * VISITORS(m)) / 60) * (this.day.weekend ? 1.4 : 1), this.random);
      for (let k = 0; k < arrivals; k++) moves.push({ at: t0 + this.random() * MIN, go: (at) => this.visitorIn(at, m) });
      for (const v of this.visitors) if (v.leaveAt < t0 + MIN) moves.push({ at: Math.max(t0, v.leaveAt), go: (at) => this.visitorOut(v, at) });
      for (const move of moves.sort((a, b) => a.at - b.at)) move.go(move.at);
    }
  }

  private residentOut(plate: string, at: number): void {
    if (!this.home.has(plate)) return;
    this.pass(this.outs, 'out', at, plate, residentCredential(this.random), () => (this.home.delete(plate), this.away.add(plate)));
  }

  private residentIn(plate: string, at: number): void {
    if (!this.away.has(plate)) return;
    const move = () => (this.away.delete(plate), this.home.add(plate));
    if (this.occupancy >= this.capacity) return void this.deny(this.ins, 'in', at, plate, '车位已满');
    if (this.random() < this.rates.permitExpired) {
      const gate = this.deny(this.ins, 'in', at, plate, '月卡过期');
      // The guard checks the resident's papers and lets them in by remote.
      if (gate) this.pass([gate], 'in', gate.free + between(this.random, 20, 60) * 1000, plate, 'remote', move);
      return;
    }
    this.pass(this.ins, 'in', at, plate, residentCredential(this.random), move);
  }

  private visitorIn(at: number, minute: number): void {
    const plate = plateOf(this.random);
    if (this.occupancy >= this.capacity) return void this.deny(this.ins, 'in', at, plate, '车位已满');
    if (this.random() < this.rates.blacklist) return void this.deny(this.ins, 'in', at, plate, '黑名单');
    const evening = minute >= 17 * 60;
    const stayMin = this.random() < 0.3 ? between(this.random, 5, 15) : evening ? between(this.random, 60, 210) : between(this.random, 15, 150);
    this.pass(this.ins, 'in', at, plate, this.random() < 0.85 ? 'ticket' : 'plate', () => this.visitors.push({ plate, leaveAt: at + stayMin * MIN }));
  }

  private visitorOut(v: LotState['visitors'][number], at: number): void {
    if (!v.paid && this.random() < this.rates.unpaid) {
      const gate = this.deny(this.outs, 'out', at, v.plate, '未缴费');
      if (gate) Object.assign(v, { paid: true, leaveAt: gate.free + between(this.random, 1, 3) * MIN });
      return;
    }
    this.pass(this.outs, 'out', at, v.plate, 'ticket', () => (this.visitors = this.visitors.filter((x) => x !== v)));
  }

  /** A car through one of `gates` at `at` or as soon after as the gate is free; false when none can take it (fault). */
  private pass(gates: GateDay[], direction: Direction, at: number, plate: string, credential: Credential, moved: () => void): boolean {
    const gate = this.gateFor(gates, at);
    if (!gate) return false;
    const t = Math.max(at, gate.free);
    const shown = credential === 'plate' || this.random() > 0.1 ? { plate } : {};
    const passed = (when: number) => {
      moved();
      gate.events.push({ at: when, action: 'pass', direction, ...shown, credential, occupancy: this.occupancy });
    };
    const stuck = gate.stuck;
    if (stuck?.until !== undefined && t < stuck.until) {
      // The arm is up anyway: cars drive through, the camera still logs them.
      passed(t + 1500);
      gate.free = t + 3000;
      return true;
    }
    if (stuck && stuck.until === undefined && t >= stuck.at) {
      stuck.until = t + stuck.holdMs;
      gate.events.push({ at: t, action: 'barrier', barrier: 'open' }, { at: stuck.until, action: 'barrier', barrier: 'closed' });
      passed(t + 1500);
      gate.free = t + 3000;
      return true;
    }
    const through = t + between(this.random, 1000, 2500);
    const closed = through + between(this.random, 3000, 6000);
    gate.events.push({ at: t, action: 'barrier', barrier: 'open' });
    passed(through);
    gate.events.push({ at: closed, action: 'barrier', barrier: 'closed' });
    gate.free = closed + 1000;
    return true;
  }

  private deny(gates: GateDay[], direction: Direction, at: number, plate: string, reason: string): GateDay | undefined {
    const gate = this.gateFor(gates, at);
    if (!gate) return undefined;
    const t = Math.max(at, gate.free);
    gate.events.push({ at: t, action: 'denied', direction, plate, reason });
    gate.free = t + 5000;
    return gate;
  }

  /** A gate that is not faulted around `at` (a car waits for the one that frees first). */
  private gateFor(gates: GateDay[], at: number): GateDay | undefined {
    const usable = gates.filter((g) => {
      const t = Math.max(at, g.free);
      // A whole barrier cycle (≤ 10 s) must end before a fault starts.
      return !g.fault || t + 10_000 < g.fault.from || t > g.fault.until;
    });
    return usable.sort((a, b) => a.free - b.free)[0];
  }
}

function residentCredential(random: Random): Credential {
  const r = random();
  return r < 0.85 ? 'plate' : r < 0.95 ? 'card' : 'remote';
}
