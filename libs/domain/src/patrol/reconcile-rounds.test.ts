import { describe, expect, it } from 'vitest';
import type { RoundDto } from '@estate-watch/contracts';
import { local, SITE } from './patrol.testing';
import { planRounds } from './round-plan';
import { planningDates, reconcileRounds, trackFrom } from './reconcile-rounds';
import { visitRound } from './visit-round';

// r1 09:30 (first window opens 09:15), r2 10:00 (opens 09:50) and 14:00 (opens 13:50).
const plan = (cfg = SITE) => planRounds(cfg, '2026-11-27');
const ids = (rounds: RoundDto[]) => rounds.map((r) => r.id.split(':').slice(1).join(':'));
const earlyMorning = local('06:00');

describe(reconcileRounds.name, () => {
  it.each([
    { edge: 'first start before every round: all created', since: '06:00', now: '06:00', insert: ['r1:2026-11-27:0930', 'r2:2026-11-27:1000', 'r2:2026-11-27:1400'] },
    { edge: 'first start at a round\'s start: created (start ≥ since)', since: '09:30', now: '09:30', insert: ['r2:2026-11-27:1000', 'r2:2026-11-27:1400', 'r1:2026-11-27:0930'].sort() },
    { edge: 'first start one second after a round started: created, every window still open', since: '09:30:01', now: '09:30:01', insert: ['r1:2026-11-27:0930', 'r2:2026-11-27:1000', 'r2:2026-11-27:1400'] },
    { edge: 'first start as its last window closes (inclusive edge): under way, created', since: '10:05', now: '10:05', insert: ['r1:2026-11-27:0930', 'r2:2026-11-27:1000', 'r2:2026-11-27:1400'] },
    { edge: 'first start just after a round ended: not created', since: '10:05:00.001', now: '10:05:00.001', insert: ['r2:2026-11-27:1000', 'r2:2026-11-27:1400'] },
    { edge: 'restart mid-round, monitoring since the morning: created, to be swept', since: '06:00', now: '10:10', insert: ['r1:2026-11-27:0930', 'r2:2026-11-27:1000', 'r2:2026-11-27:1400'] },
  ])('$edge', ({ since, now, insert }) => {
    const out = reconcileRounds([], plan(), local(now), local(since));
    expect(ids(out.insert).sort()).toEqual([...insert].sort());
    expect(out.replace).toEqual([]);
    expect(out.remove).toEqual([]);
  });

  const moved = { ...SITE, routes: [{ ...SITE.routes[0]!, checkpoints: [{ checkpoint: 'cp-1', offsetMin: 0 }, { checkpoint: 'cp-2', offsetMin: 25 }] }, SITE.routes[1]!] };
  const dropped14 = { ...SITE, routes: [SITE.routes[0]!, { ...SITE.routes[1]!, schedule: ['10:00'] }] };

  it.each([
    { edge: 'unchanged file: nothing to do', cfg: SITE, now: '06:00', replace: [], remove: [] },
    { edge: 'a changed route before its first window opens: the new plan', cfg: moved, now: '09:14:59', replace: ['r1:2026-11-27:0930'], remove: [] },
    { edge: 'a changed route whose first window opened: keeps its plan', cfg: moved, now: '09:15', replace: [], remove: [] },
    { edge: 'a start removed from the file, not yet started: removed', cfg: dropped14, now: '12:00', replace: [], remove: ['r2:2026-11-27:1400'] },
    { edge: 'a start removed from the file, already started: kept', cfg: dropped14, now: '13:50', replace: [], remove: [] },
  ])('$edge', ({ cfg, now, replace, remove }) => {
    const out = reconcileRounds(plan(), plan(cfg), local(now), earlyMorning);
    expect(out.insert).toEqual([]);
    expect(ids(out.replace)).toEqual(replace);
    expect(ids(out.remove)).toEqual(remove);
  });

  // CONTRACT §3 — a round already under way when a site is first monitored is tracked from then on.
  it.each([
    { edge: 'first seen at 09:45, the closing edge of cp-1: nothing closed yet', since: '09:45', outcomes: ['pending', 'pending'], status: 'scheduled' }, // the sweep opens it,
    { edge: 'first seen at 09:45:00.001: cp-1 closed unwatched', since: '09:45:00.001', outcomes: ['unmonitored', 'pending'], status: 'in_progress' },
    { edge: 'first seen before the round: planned as usual', since: '09:00', outcomes: ['pending', 'pending'], status: 'scheduled' },
  ])('$edge → $outcomes', ({ since, outcomes, status }) => {
    const [r1] = reconcileRounds([], plan(), local(since), local(since)).insert.filter((r) => r.routeId === 'r1');
    expect(r1!.checkpoints.map((c) => c.outcome)).toEqual(outcomes);
    expect(r1!.status).toBe(status);
  });

  it('an unmonitored checkpoint counts in neither part of compliance; a buffered tap classifies it', () => {
    const tracked = trackFrom(plan()[0]!, local('09:50'));
    expect(tracked).toMatchObject({ status: 'in_progress', compliance: 0 });
    const cp2 = visitRound(tracked, { checkpointId: 'cp-2', at: local('09:55'), guardId: 'G01' });
    expect(cp2.round).toMatchObject({ status: 'completed', compliance: 1 }); // 1 on time of 1 monitored
    expect(cp2.effects).toEqual([]);
    // The guard's reader was offline: its 09:31 tap arrives now, inside cp-1's window.
    const cp1 = visitRound(cp2.round, { checkpointId: 'cp-1', at: local('09:31'), guardId: 'G01' });
    expect(cp1.round.checkpoints.map((c) => c.outcome)).toEqual(['on_time', 'on_time']);
    expect(cp1.round.compliance).toBe(1);
    expect(cp1.effects).toEqual([]); // nothing was raised for it, nothing to clear
  });

  // CONTRACT §3 — after the server was down, every round since it stopped (back to 24 h) is planned.
  describe('after an outage', () => {
    const since = local('06:00', '2026-11-20'); // monitored for a week
    const planned = (now: Date) => planningDates(now, 'Asia/Shanghai').flatMap((d) => planRounds(SITE, d));
    it.each([
      {
        edge: 'down from 20:00 the evening before to 10:10: today\'s rounds, pending, to be judged by the sweep',
        stored: ['2026-11-26'],
        now: local('10:10'),
        insert: ['r1:2026-11-27:0930', 'r2:2026-11-27:1000', 'r2:2026-11-27:1400', 'r1:2026-11-28:0930', 'r2:2026-11-28:1000', 'r2:2026-11-28:1400'],
      },
      {
        edge: 'down for three days: back to 24 h only (rounds that ended earlier no tap can reach)',
        stored: [],
        now: local('10:10'),
        insert: ['r2:2026-11-26:1000', 'r2:2026-11-26:1400', 'r1:2026-11-27:0930', 'r2:2026-11-27:1000', 'r2:2026-11-27:1400', 'r1:2026-11-28:0930', 'r2:2026-11-28:1000', 'r2:2026-11-28:1400'],
      },
    ])('$edge', ({ stored, now, insert }) => {
      const out = reconcileRounds(stored.flatMap((d) => planRounds(SITE, d)), planned(now), now, since);
      expect(ids(out.insert)).toEqual(insert);
      expect(out.insert.every((r) => r.checkpoints.every((c) => c.outcome === 'pending'))).toBe(true);
    });
  });

  it('a round tapped early (before its window) has started: it keeps its plan', () => {
    const stored = plan();
    stored[0] = visitRound(stored[0]!, { checkpointId: 'cp-1', at: local('09:00'), guardId: 'G01' }).round;
    expect(reconcileRounds(stored, plan(moved), local('09:05'), earlyMorning).replace).toEqual([]);
  });
});

describe(planningDates.name, () => {
  it.each([
    { now: local('10:10'), dates: ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'] },
    { now: local('00:00'), dates: ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'] }, // local midnight: 24 h back is yesterday
    { now: local('23:59:59', '2026-02-28'), dates: ['2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01'] }, // across a month end
  ])('at $now → $dates', ({ now, dates }) => {
    expect(planningDates(now, 'Asia/Shanghai')).toEqual(dates);
  });
});
