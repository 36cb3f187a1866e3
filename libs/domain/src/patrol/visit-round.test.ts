// CONTRACT §3 taps and §4 patrol alerts, one tap (or a few, in arrival order) at a time.
import { describe, expect, it } from 'vitest';
import type { RoundDto } from '@estate-watch/contracts';
import { local, round } from './patrol.testing';
import { closeWindows } from './round-progress';
import { visitRound, type PatrolAlertEffect } from './visit-round';

// r1 09:30 (tolerance 15): cp-1 window [09:15, 09:45], cp-2 window [09:35, 10:05].
const r1 = () => round('r1:2026-11-27:0930');
const tap = (checkpointId: string, hms: string, guardId = 'G01') => ({ checkpointId, at: local(hms), guardId, guardName: '张伟' });

function run(start: RoundDto, taps: [string, string][], missedAt?: string): { round: RoundDto; effects: PatrolAlertEffect[] } {
  let current = start;
  let effects: PatrolAlertEffect[] = [];
  if (missedAt) current = closeWindows(current, local(missedAt)).round;
  for (const [cp, at] of taps) {
    const changed = visitRound(current, tap(cp, at));
    current = changed.round;
    effects = changed.effects; // the last tap's effects
  }
  return { round: current, effects };
}

const e = (action: 'raise' | 'clear', type: PatrolAlertEffect['type'], checkpointId = 'cp-1') => ({ action, type, checkpointId });

describe(visitRound.name, () => {
  it.each([
    { edge: 'inside the window', taps: [['cp-1', '09:31']], outcome: 'on_time', flags: [], effects: [] },
    { edge: 'on the opening edge', taps: [['cp-1', '09:15:00']], outcome: 'on_time', flags: [], effects: [] },
    { edge: 'on the closing edge', taps: [['cp-1', '09:45:00']], outcome: 'on_time', flags: [], effects: [] },
    { edge: 'before the window', taps: [['cp-1', '09:14:59']], outcome: 'early', flags: [], effects: [e('raise', 'patrol.early')] },
    { edge: 'after the window', taps: [['cp-1', '09:45:01']], outcome: 'late', flags: [], effects: [e('raise', 'patrol.late')] },
    { edge: 'a second tap: duplicate, the first visit stands', taps: [['cp-1', '09:14'], ['cp-1', '09:30']], outcome: 'early', flags: ['duplicate'], effects: [] },
    { edge: 'a buffered earlier tap arriving second becomes the visit', taps: [['cp-1', '09:50'], ['cp-1', '09:30']], outcome: 'on_time', flags: ['duplicate'], effects: [e('clear', 'patrol.late')] },
  ] as const)('$edge → $outcome', ({ taps, outcome, flags, effects }) => {
    const out = run(r1(), taps.map((t) => [...t]) as [string, string][]);
    expect(out.round.checkpoints[0]).toMatchObject({ outcome, flags, guardId: 'G01', guardName: '张伟', taps: taps.length });
    expect(out.effects).toEqual(effects);
  });

  it.each([
    { edge: 'buffered tap inside the window turns missed back to on_time', tapped: '09:40', outcome: 'on_time', effects: [e('clear', 'patrol.missed')] },
    { edge: 'on the closing edge, arriving after the miss', tapped: '09:45:00', outcome: 'on_time', effects: [e('clear', 'patrol.missed')] },
    { edge: 'after the window: missed becomes late, missed clears and late is raised', tapped: '09:46', outcome: 'late', effects: [e('clear', 'patrol.missed'), e('raise', 'patrol.late')] },
    { edge: 'buffered tap before the window: missed becomes early', tapped: '09:00', outcome: 'early', effects: [e('clear', 'patrol.missed'), e('raise', 'patrol.early')] },
  ] as const)('$edge', ({ tapped, outcome, effects }) => {
    const out = run(r1(), [['cp-1', tapped]], '09:45:10');
    expect(out.round.checkpoints[0]).toMatchObject({ outcome, visitedAt: local(tapped).toISOString(), missedAt: local('09:45:10').toISOString() });
    expect(out.effects).toEqual(effects);
  });

  it.each([
    { edge: 'walking order kept', taps: [['cp-1', '09:30'], ['cp-2', '09:50']], flagged: [], effects: [] },
    { edge: 'a checkpoint tapped after a later one is out of order', taps: [['cp-2', '09:40'], ['cp-1', '09:42']], flagged: ['cp-1'], effects: [e('raise', 'patrol.out_of_order')] },
    {
      edge: 'arrival order does not matter: a buffered earlier visit of a later checkpoint flags the earlier one',
      taps: [['cp-1', '09:42'], ['cp-2', '09:40']],
      flagged: ['cp-1'],
      effects: [e('raise', 'patrol.out_of_order')],
    },
    {
      edge: 'a buffered earlier visit that restores the order clears the flag',
      taps: [['cp-2', '09:40'], ['cp-1', '09:42'], ['cp-1', '09:38']],
      flagged: [],
      effects: [e('clear', 'patrol.out_of_order')],
    },
  ] as const)('$edge', ({ taps, flagged, effects }) => {
    const out = run(r1(), taps.map((t) => [...t]) as [string, string][]);
    expect(out.round.checkpoints.filter((c) => c.flags.includes('out_of_order')).map((c) => c.checkpointId)).toEqual(flagged);
    expect(out.effects).toEqual(effects);
  });

  it.each([
    { edge: 'first tap starts a scheduled round', taps: [['cp-1', '09:00']], status: 'in_progress', compliance: 0 },
    { edge: 'one of two on time so far', taps: [['cp-1', '09:30']], status: 'in_progress', compliance: 0.5 },
    { edge: 'every checkpoint visited completes it', taps: [['cp-1', '09:30'], ['cp-2', '09:50']], status: 'completed', compliance: 1 },
    { edge: 'visited late still completes, not on time', taps: [['cp-1', '09:30'], ['cp-2', '10:30']], status: 'completed', compliance: 0.5 },
  ] as const)('$edge → $status, compliance $compliance', ({ taps, status, compliance }) => {
    const out = run(r1(), taps.map((t) => [...t]) as [string, string][]);
    expect(out.round).toMatchObject({ status, compliance });
  });

  it('leaves the round it was given untouched', () => {
    const before = r1();
    const copy = structuredClone(before);
    visitRound(before, tap('cp-1', '09:30'));
    expect(before).toEqual(copy);
  });

  it('refuses a checkpoint that is not on the round', () => {
    expect(() => visitRound(r1(), tap('cp-3', '09:30'))).toThrow(/not on round/);
  });
});
