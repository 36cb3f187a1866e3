import { describe, expect, it } from 'vitest';
import { parseDevicePayload } from '@estate-watch/contracts';
import { clusterOf, initialConsumables, planConsumables, type ConsumablesState } from './consumables-plan';
import type { EstateEvent } from './estate-day';
import { addDays } from '../common/local-time';
import { loadSiteFile } from '../site-files';
import { formatTs } from '../common/time';

const site = loadSiteFile();
const tz = site.site.timezone;
type DispenserEvent = Extract<EstateEvent, { kind: 'dispenser' }>;

function fortnight(seed: number): DispenserEvent[] {
  let state: ConsumablesState = initialConsumables(site, seed);
  return Array.from({ length: 14 }, (_, d) => {
    const day = planConsumables(site, addDays('2026-11-23', d), seed, state);
    state = day.state;
    return day.events as DispenserEvent[];
  }).flat();
}

describe(planConsumables.name, () => {
  const events = fortnight(2);
  const hhmm = (e: EstateEvent) => formatTs(e.at, tz).slice(11, 16);

  it('drains every dispenser, some to lowPct and some to emptyPct within a fortnight, each refilled afterwards', () => {
    const crossed = { low: new Set<string>(), empty: new Set<string>() };
    for (const d of site.dispensers) {
      const mine = events.filter((e) => e.device === d.id);
      expect(mine.filter((e) => e.action === 'refill').length, d.id).toBeGreaterThan(0);
      mine.forEach((e, i) => {
        if (e.action !== 'level') return;
        if (e.level <= d.lowPct) crossed.low.add(d.id);
        if (e.level <= d.emptyPct) {
          crossed.empty.add(d.id);
          expect(mine.slice(i).some((x) => x.action === 'refill'), `${d.id} refilled after running empty`).toBe(true);
        }
      });
    }
    expect(crossed.low.size).toBeGreaterThanOrEqual(4);
    expect(crossed.empty.size).toBeGreaterThanOrEqual(2);
  });

  it('raises a level only by a refill, to 100, during the 08:00 and 14:00 rounds', () => {
    for (const d of site.dispensers) {
      let last: number | undefined;
      for (const e of events.filter((x) => x.device === d.id)) {
        if (e.action === 'refill') {
          expect((hhmm(e) >= '08:00' && hhmm(e) < '08:45') || (hhmm(e) >= '14:00' && hhmm(e) < '14:45'), hhmm(e)).toBe(true);
          last = 100;
          continue;
        }
        if (last !== undefined) expect(e.level, `${d.id} at ${hhmm(e)}`).toBeLessThanOrEqual(last);
        last = e.level;
      }
    }
  });

  it('uses the sales centre at weekends and the clubhouse in the evenings most', () => {
    const drop = (prefix: string, match: (e: EstateEvent) => boolean) => {
      let total = 0;
      for (const d of site.dispensers.filter((x) => clusterOf(x.id) === prefix)) {
        let last: number | undefined;
        for (const e of events.filter((x) => x.device === d.id)) {
          if (e.action === 'refill') last = 100;
          else {
            if (last !== undefined && match(e)) total += last - e.level;
            last = e.level;
          }
        }
      }
      return total;
    };
    const weekend = (e: EstateEvent) => [0, 6].includes(new Date(e.at + 8 * 3_600_000).getUTCDay());
    expect(drop('sales', weekend) / 4).toBeGreaterThan((2 * drop('sales', (e) => !weekend(e))) / 10);
    expect(drop('club', (e) => hhmm(e) >= '18:00' && hhmm(e) < '22:00') / 4).toBeGreaterThan((2 * drop('club', (e) => hhmm(e) >= '07:00' && hhmm(e) < '18:00')) / 11);
  });

  it('misses a round now and then, and plans the same fortnight for the same seed', () => {
    const rounds = new Set(events.filter((e) => e.action === 'refill').map((e) => `${formatTs(e.at, tz).slice(0, 10)} ${hhmm(e) < '12:00' ? 'am' : 'pm'} ${clusterOf(e.device)}`));
    expect(rounds.size).toBeLessThan(14 * 2 * 3);
    expect(JSON.stringify(fortnight(2))).toEqual(JSON.stringify(events));
    expect(JSON.stringify(fortnight(3))).not.toEqual(JSON.stringify(events));
  });

  it('sends valid dispenser payloads', () => {
    for (const e of events.slice(0, 200)) {
      const now = new Date(e.at);
      const body = e.action === 'refill' ? { type: 'refill' } : { level: e.level };
      const parsed = parseDevicePayload('dispenser', e.action === 'refill' ? 'event' : 'telemetry', JSON.stringify({ id: 'a-1', ts: formatTs(e.at, tz), ...body }), now);
      expect(parsed.ok).toBe(true);
    }
  });
});
