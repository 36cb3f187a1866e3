import { describe, expect, it } from 'vitest';
import { parseDevicePayload } from '@estate-watch/contracts';
import type { EstateEvent } from './estate-day';
import { addDays, localTime } from '../common/local-time';
import { loadSiteFile } from '../site-files';
import { formatTs } from '../common/time';
import { plateOf } from './plates';
import { initialTraffic, planTraffic, type TrafficState } from './traffic-plan';
import { seededRandom } from '../common/random';

const site = loadSiteFile();
const tz = site.site.timezone;
const FRIDAY = '2026-11-27';
type GateEvent = Extract<EstateEvent, { kind: 'gate' }>;

/** `count` days from `first`, starting with empty lots (a fresh server) the day before, so the test days begin from a lived-in night. */
function days(first: string, count: number, seed = 5): GateEvent[][] {
  let state: TrafficState = initialTraffic(site, seed, localTime(addDays(first, -1), '00:00', tz));
  state = planTraffic(site, addDays(first, -1), seed, state).state;
  return Array.from({ length: count }, (_, d) => {
    const day = planTraffic(site, addDays(first, d), seed, state);
    state = day.state;
    return day.events as GateEvent[];
  });
}

const hhmm = (at: number) => formatTs(at, tz).slice(11, 16);
const within = (e: GateEvent, from: string, to: string) => hhmm(e.at) >= from && hhmm(e.at) < to;
const passes = (events: GateEvent[], lot: string, direction: 'in' | 'out') => events.filter((e) => e.lot === lot && e.action === 'pass' && e.direction === direction);

describe(planTraffic.name, () => {
  const [friday] = days(FRIDAY, 1);

  it.each(site.lots.map((l) => ({ lot: l.id, capacity: l.capacity })))('keeps $lot between 0 and its capacity ($capacity), counting every pass', ({ lot, capacity }) => {
    const week = days(FRIDAY, 7).flat().filter((e) => e.lot === lot && e.action === 'pass') as Array<Extract<GateEvent, { action: 'pass' }>>;
    let count = week[0]!.occupancy - (week[0]!.direction === 'in' ? 1 : -1);
    for (const e of week) {
      count += e.direction === 'in' ? 1 : -1;
      expect(e.occupancy).toBe(count);
      expect(count).toBeGreaterThanOrEqual(0);
      expect(count).toBeLessThanOrEqual(capacity);
    }
  });

  it('empties the garage in the 07:30–09:00 peak and fills it again in the 17:30–19:30 peak of a weekday', () => {
    const outs = passes(friday!, 'lot-garage', 'out');
    const ins = passes(friday!, 'lot-garage', 'in');
    const rate = (list: GateEvent[], from: string, to: string, hours: number) => list.filter((e) => within(e, from, to)).length / hours;
    // Per hour in the peak against per hour over the whole day.
    expect(rate(outs, '07:30', '09:00', 1.5)).toBeGreaterThan(4 * rate(outs, '00:00', '24:00', 24));
    expect(rate(ins, '17:30', '19:30', 2)).toBeGreaterThan(4 * rate(ins, '00:00', '24:00', 24));
    expect(rate(outs, '07:30', '09:00', 1.5)).toBeGreaterThan(5 * rate(ins, '07:30', '09:00', 1.5));
    expect(rate(ins, '17:30', '19:30', 2)).toBeGreaterThan(3 * rate(outs, '17:30', '19:30', 2));
    const at = (time: string) => [...passes(friday!, 'lot-garage', 'in'), ...outs].filter((e) => hhmm(e.at) < time).sort((a, b) => a.at - b.at).at(-1) as Extract<GateEvent, { action: 'pass' }>;
    expect(at('06:00').occupancy).toBeGreaterThan(480);
    expect(at('10:00').occupancy).toBeLessThan(300);
    expect(at('22:00').occupancy).toBeGreaterThan(480);
  });

  it('sends valid gate payloads: Chinese plates of at most 16 characters, mostly plate credentials, barrier telemetry', () => {
    const now = new Date(localTime(FRIDAY, '12:00', tz));
    for (const e of friday!) {
      const { at, siteId: _s, device: _d, kind: _k, lot: _l, action, ...body } = e;
      const stream = action === 'barrier' ? 'telemetry' : 'event';
      const payload = action === 'barrier' ? body : { type: action, ...body, occupancy: undefined };
      const parsed = parseDevicePayload('gate', stream, JSON.stringify({ id: 'x-1', ts: formatTs(now.getTime(), tz), ...payload }), now);
      expect(parsed.ok, JSON.stringify(e)).toBe(true);
      if ('plate' in e && e.plate) expect(e.plate).toMatch(/^[沪苏浙皖京鲁][A-Z]·[0-9A-Z]{5,6}$/);
    }
    const all = friday!.filter((e) => e.action === 'pass') as Array<Extract<GateEvent, { action: 'pass' }>>;
    const share = (c: string) => all.filter((e) => e.credential === c).length / all.length;
    expect(share('plate')).toBeGreaterThan(0.6);
    for (const c of ['card', 'ticket', 'remote']) expect(share(c)).toBeGreaterThan(0);
  });

  it('opens the barrier for each pass and closes it a few seconds later, except while it is stuck', () => {
    for (const gate of site.gates) {
      const events = friday!.filter((e) => e.device === gate.id);
      let open: number | undefined;
      const spells: number[] = [];
      for (const e of events) {
        if (e.action === 'barrier' && e.barrier === 'open') open = e.at;
        if (e.action === 'barrier' && e.barrier === 'closed' && open !== undefined) (spells.push(e.at - open), (open = undefined));
        if (e.action === 'pass') expect(open, `${gate.id} pass at ${hhmm(e.at)} with the barrier down`).toBeDefined();
      }
      expect(open).toBeUndefined();
      const long = spells.filter((ms) => ms > 10_000);
      for (const ms of long) expect(ms).toBeGreaterThan(gate.stuckOpenSec * 1000);
    }
  });

  it('sticks one barrier open past its stuckOpenSec every day, then closes it within minutes', () => {
    for (const day of days(FRIDAY, 7)) {
      const stuck = site.gates.flatMap((g) => {
        const ev = day.filter((e) => e.device === g.id && e.action === 'barrier');
        return ev.flatMap((e, i) => (e.action === 'barrier' && e.barrier === 'open' && ev[i + 1] && ev[i + 1]!.at - e.at > g.stuckOpenSec * 1000 ? [(ev[i + 1]!.at - e.at) / 1000 - g.stuckOpenSec] : []));
      });
      expect(stuck).toHaveLength(1);
      expect(stuck[0]).toBeGreaterThanOrEqual(120);
      expect(stuck[0]).toBeLessThanOrEqual(600);
    }
  });

  it('faults a barrier with a code now and then, and it recovers; refuses blacklisted, unpaid and full-lot cars', () => {
    const fortnight = days(FRIDAY, 14).flat();
    const faults = fortnight.filter((e) => e.action === 'barrier' && e.barrier === 'fault');
    expect(faults.length).toBeGreaterThanOrEqual(2);
    for (const f of faults) {
      expect(f).toMatchObject({ fault: expect.stringMatching(/^E-[A-Z]+$/) });
      const after = fortnight.filter((e) => e.device === f.device && e.at > f.at);
      expect(after[0]).toMatchObject({ action: 'barrier', barrier: 'closed' });
      expect(after[0]!.at - f.at).toBeLessThanOrEqual(20 * 60_000);
    }
    const reasons = new Set(fortnight.flatMap((e) => (e.action === 'denied' ? [e.reason] : [])));
    expect(reasons).toEqual(new Set(['黑名单', '未缴费', '月卡过期', '车位已满']));
  });

  it('plans the same day for the same seed and state, another for another seed', () => {
    const strip = (events: EstateEvent[]) => events.map((e) => JSON.stringify(e));
    expect(strip(days(FRIDAY, 1, 9)[0]!)).toEqual(strip(days(FRIDAY, 1, 9)[0]!));
    expect(strip(days(FRIDAY, 1, 9)[0]!)).not.toEqual(strip(days(FRIDAY, 1, 10)[0]!));
  });

  it('makes plates such as 沪A·3K721 and 沪A·D12345', () => {
    const random = seededRandom(3);
    const plates = Array.from({ length: 500 }, () => plateOf(random));
    for (const p of plates) expect(p.length).toBeLessThanOrEqual(16);
    expect(plates.filter((p) => p.startsWith('沪')).length).toBeGreaterThan(250);
    expect(plates.some((p) => /·[DF]\d{5}$/.test(p))).toBe(true);
  });
});
