import { describe, expect, it } from 'vitest';
import type { RoundDto } from '@estate-watch/contracts';
import { local, SITE } from './patrol.fixture';
import { planRounds } from './round-plan';
import { reconcileRounds } from './reconcile-rounds';
import { visitRound } from './visit-round';

// r1 09:30 (first window opens 09:15), r2 10:00 (opens 09:50) and 14:00 (opens 13:50).
const plan = (cfg = SITE) => planRounds(cfg, '2026-11-27');
const ids = (rounds: RoundDto[]) => rounds.map((r) => r.id.split(':').slice(1).join(':'));
const earlyMorning = local('06:00');

describe(reconcileRounds.name, () => {
  it.each([
    { edge: 'first start before every round: all created', since: '06:00', now: '06:00', insert: ['r1:2026-11-27:0930', 'r2:2026-11-27:1000', 'r2:2026-11-27:1400'] },
    { edge: 'first start at a round\'s start: created (start ≥ since)', since: '09:30', now: '09:30', insert: ['r2:2026-11-27:1000', 'r2:2026-11-27:1400', 'r1:2026-11-27:0930'].sort() },
    { edge: 'first start one second after a round started: not created', since: '09:30:01', now: '09:30:01', insert: ['r2:2026-11-27:1000', 'r2:2026-11-27:1400'] },
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

  it('a round tapped early (before its window) has started: it keeps its plan', () => {
    const stored = plan();
    stored[0] = visitRound(stored[0]!, { checkpointId: 'cp-1', at: local('09:00'), guardId: 'G01' }).round;
    expect(reconcileRounds(stored, plan(moved), local('09:05'), earlyMorning).replace).toEqual([]);
  });
});
