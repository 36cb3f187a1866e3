import { describe, expect, it, vi } from 'vitest';
import { systemClock, VirtualClock } from '../common/clock';
import { localTime } from '../common/local-time';
import { planDay, type PlannedTap } from '../plans/patrol-plan';
import { PatrolWalker, type PatrolOptions } from './patrol-walker';
import { loadSiteFile } from '../site-files';
import { demoDayRoutes } from '../demo-day-routes.testing';

const site = demoDayRoutes(loadSiteFile());
const TZ = site.site.timezone;
const DAY = '2026-11-27';
const at = (hhmm: string, date = DAY) => localTime(date, hhmm, TZ);

/** A walker on a virtual clock whose taps are recorded with the clock's time when sent. */
function walker(start: number, options: PatrolOptions = { seed: 9 }) {
  const clock = new VirtualClock({ start });
  const taps: Array<{ tap: PlannedTap; now: number }> = [];
  const walk = new PatrolWalker({ ...options, sites: [site], clock, tap: async (tap) => void taps.push({ tap, now: clock.now() }) }).start();
  return { clock, taps, walk };
}

const walked = (plan: PlannedTap[]) => plan.filter((t) => t.at);

describe(PatrolWalker.name, () => {
  it('walks a whole demo day on a virtual clock: every planned tap, in order, each when the clock reaches it', async () => {
    const { clock, taps } = walker(at('00:00'));
    await clock.advanceTo(at('23:59'));
    const plan = walked(planDay(site, DAY, 9));
    expect(plan.length).toBeGreaterThanOrEqual(28);
    expect(taps.map((t) => t.tap)).toEqual(plan);
    for (const { tap, now } of taps) expect(now).toBe(tap.at!.getTime());
  });

  it('keeps walking day after day, planning each new day at local midnight', async () => {
    const { clock, taps } = walker(at('12:00'));
    await clock.advanceTo(at('12:00', '2026-11-30'));
    const expected = ['2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30']
      .flatMap((d) => walked(planDay(site, d, 9)))
      .filter((t) => t.plannedAt.getTime() > at('12:00') && t.at!.getTime() <= at('12:00', '2026-11-30'));
    expect(taps.map((t) => t.tap)).toEqual(expected);
    expect(new Set(taps.map((t) => `${t.tap.routeId} ${t.tap.roundStart.toISOString()}`)).size).toBe(2 + 4 + 4 + 2);
  });

  it('started mid-round, taps only the checkpoints whose planned time is still ahead', async () => {
    const { clock, taps, walk } = walker(at('09:50'), { seed: 9, rates: { early: 0, late: 0, skipped: 0, outOfOrder: 0, unknownCard: 0 } });
    expect(walk.upcoming().every((t) => t.plannedAt.getTime() > at('09:50'))).toBe(true);
    await clock.advanceTo(at('23:59'));
    const morning = taps.filter((t) => t.tap.roundStart.getTime() === at('09:30'));
    // cp-east-fence (+18 min, 09:48) is past; cp-garage-ramp (+24 min, 09:54) is still ahead.
    expect(morning.filter((t) => t.tap.routeId === 'day-perimeter').map((t) => t.tap.checkpointId)).toEqual([
      'cp-shops-east', 'cp-south-gate', 'cp-shops-west', 'cp-west-fence',
    ]);
    expect(morning.filter((t) => t.tap.routeId === 'garage-blocks').map((t) => t.tap.checkpointId)).toEqual([
      'cp-garage-ramp', 'cp-garage-b1-a', 'cp-pump-room', 'cp-garage-b1-c', 'cp-block-10',
    ]);
    expect(taps.filter((t) => t.tap.roundStart.getTime() === at('15:00'))).toHaveLength(16);
    expect(taps.every((t) => t.now >= at('09:50'))).toBe(true);
  });

  it('sends nothing more once stopped: every pending tap and the midnight planning are cancelled', async () => {
    const { clock, taps, walk } = walker(at('09:00'));
    await clock.advanceTo(at('09:45'));
    const before = taps.length;
    expect(before).toBeGreaterThan(0);
    expect(walk.upcoming().length).toBeGreaterThan(0);
    walk.stop();
    expect(walk.upcoming()).toEqual([]);
    expect(clock.pending).toBe(0);
    await clock.advanceTo(at('12:00', '2026-11-29'));
    expect(taps).toHaveLength(before);
  });

  it('says when it starts what comes next, then one line per round as its guard sets off', async () => {
    const lines: string[] = [];
    const clock = new VirtualClock({ start: at('09:00') });
    new PatrolWalker({ seed: 9, sites: [site], clock, log: (_l, m) => lines.push(m), tap: async () => undefined }).start();
    await clock.advanceTo(at('11:00'));
    expect(lines).toHaveLength(1 + 2);
    expect(lines[0]).toMatch(/^patrol: guards walk 2 routes; next tap 2026-11-27T09:\d\d:\d\d\.\d{3}\+08:00 at cp-/);
    expect(lines.join('\n')).toMatch(/patrol: .+ \(G0\d\) walks 日间外围巡查 \(lakeside\/day-perimeter\), the 09:30 round/);
  });

  it('on the system clock, waits in real time on unref’d timers (they keep no process alive) and stops cleanly', () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const walk = new PatrolWalker({ sites: [site], clock: systemClock, tap: async () => undefined }).start();
    const timers = setTimeoutSpy.mock.results.map((r) => r.value as NodeJS.Timeout);
    setTimeoutSpy.mockRestore();
    expect(walk.upcoming().length).toBeGreaterThan(0);
    expect(timers.length).toBeGreaterThan(walk.upcoming().length);
    expect(timers.every((t) => !t.hasRef())).toBe(true);
    walk.stop();
    expect(walk.upcoming()).toEqual([]);
  });
});
