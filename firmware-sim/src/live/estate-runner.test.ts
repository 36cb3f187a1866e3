import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../common/clock';
import type { EstateEvent } from '../plans/estate-day';
import { EstateRunner } from './estate-runner';
import { localTime } from '../common/local-time';
import { loadSiteFile } from '../site-files';
import { formatTs } from '../common/time';

const site = loadSiteFile();
const tz = site.site.timezone;
const at = (date: string, hhmm: string) => localTime(date, hhmm, tz);

/** Lives the demo estate from Thursday 12:00 to Saturday 00:00 on a VirtualClock, collecting what it acts out. */
async function live(seed: number): Promise<{ runner: EstateRunner; acted: Array<EstateEvent & { when: number }> }> {
  const clock = new VirtualClock({ start: at('2026-11-26', '12:00') });
  const acted: Array<EstateEvent & { when: number }> = [];
  const runner = new EstateRunner({ sites: [site], clock, seed, act: async (e) => acted.push({ ...e, when: clock.now() }) }).start();
  await clock.advanceTo(at('2026-11-28', '00:00'));
  runner.stop();
  return { runner, acted };
}

describe(EstateRunner.name, () => {
  it('acts every event at its time, across midnight, keeping each lot within 0 and its capacity and showing both peaks', async () => {
    const { runner, acted } = await live(8);
    for (const e of acted) expect(e.when).toBe(e.at);
    expect(acted.map((e) => e.at)).toEqual(acted.map((e) => e.at).sort((a, b) => a - b));
    for (const lot of site.lots) {
      let count = 0;
      for (const e of acted) {
        if (e.kind !== 'gate' || e.action !== 'pass' || e.lot !== lot.id) continue;
        count += e.direction === 'in' ? 1 : -1;
        expect(e.occupancy).toBe(count);
        expect(count).toBeGreaterThanOrEqual(0);
        expect(count).toBeLessThanOrEqual(lot.capacity);
      }
      expect(runner.occupancy('lakeside', lot.id)).toBe(count);
    }
    // Friday, after a night the estate filled itself from empty.
    const friday = acted.filter((e) => e.kind === 'gate' && e.lot === 'lot-garage' && e.action === 'pass' && formatTs(e.at, tz).startsWith('2026-11-27'));
    const hour = (e: EstateEvent) => formatTs(e.at, tz).slice(11, 13);
    const outs = (h: string) => friday.filter((e) => e.kind === 'gate' && e.action === 'pass' && e.direction === 'out' && hour(e) === h).length;
    const ins = (h: string) => friday.filter((e) => e.kind === 'gate' && e.action === 'pass' && e.direction === 'in' && hour(e) === h).length;
    expect(outs('08')).toBeGreaterThan(100);
    expect(ins('18')).toBeGreaterThan(100);
    expect(outs('08')).toBeGreaterThan(5 * outs('14'));
    expect(ins('18')).toBeGreaterThan(5 * ins('14'));
  });

  it('refills dispensers on the rounds of both days and moves the equipment every 10 minutes', async () => {
    const { acted } = await live(8);
    const refills = acted.filter((e) => e.kind === 'dispenser' && e.action === 'refill');
    expect(new Set(refills.map((e) => formatTs(e.at, tz).slice(0, 13)))).toEqual(new Set(['2026-11-26T14', '2026-11-27T08', '2026-11-27T14']));
    const steers = acted.filter((e) => e.kind === 'sensor' && e.action === 'steer' && e.device === 'boiler-1');
    expect(steers).toHaveLength(36 * 6);
  });

  it('lives the same two days for the same seed', async () => {
    const strip = (list: EstateEvent[]) => list.map((e) => JSON.stringify(e));
    expect(strip((await live(8)).acted)).toEqual(strip((await live(8)).acted));
  });
});
