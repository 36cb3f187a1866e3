import { describe, expect, it } from 'vitest';
import { assignTap, planRounds } from '@estate-watch/domain';
import { VirtualClock } from '../common/clock';
import { OPENING_WITHIN_MS, openPatrol } from './demo-opening';
import type { EstateEvent } from './estate-day';
import { EstateRunner } from '../live/estate-runner';
import { addDays, localDate, localTime } from '../common/local-time';
import { PatrolWalker } from '../live/patrol-walker';
import type { PlannedTap } from './patrol-plan';
import { loadSiteFile } from '../site-files';

const site = loadSiteFile();
const tz = site.site.timezone;

/** The demo started at `hhmm` on a Thursday: the estate and the patrol on one VirtualClock for two minutes, as the simulator runs them. */
async function firstTwoMinutes(hhmm: string, opening = true) {
  const start = localTime('2026-11-26', hhmm, tz);
  const clock = new VirtualClock({ start });
  const acted: Array<EstateEvent & { when: number }> = [];
  const taps: Array<PlannedTap & { when: number }> = [];
  const estate = new EstateRunner({ sites: [site], clock, seed: 0, opening, act: async (e) => acted.push({ ...e, when: clock.now() }) }).start();
  const walker = new PatrolWalker({ sites: [site], clock, seed: 0, tap: async (t) => taps.push({ ...t, when: clock.now() }) }).start();
  if (opening) openPatrol(walker, [site], start);
  await clock.advanceTo(start + OPENING_WITHIN_MS);
  estate.stop();
  walker.stop();
  return { start, acted, taps };
}

/** How the server's own rule (CONTRACT §3, libs/domain) places a tap: its round and outcome. */
function judged(tap: PlannedTap & { when: number }) {
  const today = localDate(tap.when, tz);
  const rounds = [addDays(today, -1), today, addDays(today, 1)].flatMap((d) => planRounds(site, d));
  const place = assignTap(rounds, tap.checkpointId, new Date(tap.when), tz)!;
  const planned = Date.parse(place.round.checkpoints[place.index]!.windowStart);
  return { roundId: place.round.id, early: tap.when < planned, index: place.index };
}

describe('the demo opening (issue 12 point 9)', () => {
  // Starts spread over the day, including the minutes no round is near on the hour.
  it.each(['03:17', '08:05', '10:12', '14:41', '19:20', '23:31'])(
    'started at %s, within 2 minutes: a low dispenser, a gate fault, a reading over its limit for forSec, and one early tap in a round',
    async (hhmm) => {
      const { start, acted, taps } = await firstTwoMinutes(hhmm);
      const within = (e: { when: number }) => e.when - start <= OPENING_WITHIN_MS;

      const low = acted.find((e) => e.kind === 'dispenser' && e.action === 'level' && within(e));
      const dispenser = site.dispensers.find((d) => d.id === low?.device);
      expect(low?.kind === 'dispenser' && low.action === 'level' && low.level).toBeLessThanOrEqual(dispenser!.lowPct);
      expect(low?.kind === 'dispenser' && low.action === 'level' && low.level).toBeGreaterThan(dispenser!.emptyPct);

      expect(acted.some((e) => e.kind === 'gate' && e.action === 'barrier' && e.barrier === 'fault' && within(e))).toBe(true);

      // The excursion: readings over max reported for longer than forSec, all inside the two minutes.
      const pins = acted.filter((e) => e.kind === 'sensor' && e.action === 'pin' && within(e));
      const first = pins[0]!;
      const sensor = site.sensors.find((s) => s.id === first.device)!;
      const name = first.kind === 'sensor' && first.action === 'pin' ? first.name : '';
      const limit = sensor.limits[name]!;
      for (const p of pins) expect(p.kind === 'sensor' && p.action === 'pin' && Number(p.value)).toBeGreaterThan(limit.max!);
      expect(pins.at(-1)!.when - first.when).toBeGreaterThanOrEqual(limit.forSec * 1000);

      // The guard who set off early: a tap within the two minutes, early in the round the server will place it in.
      const tap = taps.find((t) => t.deviation === 'early' && within(t));
      expect(site.guards.map((g) => g.card)).toContain(tap!.card);
      const place = judged(tap!);
      expect(place.early).toBe(true);
      expect(place.roundId).toContain(`:${tap!.routeId}:`);
    },
  );

  it('taps the checkpoint once: the planned tap it moved forward is not sent again', async () => {
    const start = localTime('2026-11-26', '10:12', tz);
    const clock = new VirtualClock({ start });
    const taps: PlannedTap[] = [];
    const walker = new PatrolWalker({ sites: [site], clock, seed: 0, tap: async (t) => taps.push(t) }).start();
    const early = openPatrol(walker, [site], start)!;
    await clock.advanceTo(early.tap.plannedAt.getTime() + 30 * 60_000);
    walker.stop();
    const same = taps.filter((t) => t.guardId === early.tap.guardId && t.checkpointId === early.tap.checkpointId && t.roundStart.getTime() === early.tap.roundStart.getTime());
    expect(same).toHaveLength(1);
  });

  it('without the opening the same two minutes stay quiet, which is why it exists', async () => {
    const { acted } = await firstTwoMinutes('10:12', false);
    expect(acted.some((e) => e.kind === 'gate' && e.action === 'barrier' && e.barrier === 'fault')).toBe(false);
    expect(acted.some((e) => e.kind === 'sensor' && e.action === 'pin')).toBe(false);
    expect(acted.some((e) => e.kind === 'dispenser' && e.action === 'level')).toBe(false);
  });
});
