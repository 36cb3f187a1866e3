// CONTRACT §3: a window that closes with no tap is missed; the round's status follows its windows.
import { describe, expect, it } from 'vitest';
import { local, round } from './patrol.testing';
import { closeWindows, roundDueAt, roundProgress } from './round-progress';
import { visitRound } from './visit-round';

// r1 09:30 (tolerance 15): cp-1 window [09:15, 09:45], cp-2 window [09:35, 10:05].
const r1 = () => round('r1:2026-11-27:0930');

describe(closeWindows.name, () => {
  it.each([
    { now: '09:14:59.999', status: 'scheduled', missed: [] },
    { now: '09:15:00', status: 'in_progress', missed: [] }, // first window opens
    { now: '09:45:00', status: 'in_progress', missed: [] }, // closing edge is still inside
    { now: '09:45:00.001', status: 'in_progress', missed: ['cp-1'] },
    { now: '10:05:00.001', status: 'completed', missed: ['cp-1', 'cp-2'] },
  ])('at $now → $status, missed $missed', ({ now, status, missed }) => {
    const out = closeWindows(r1(), local(now));
    expect(out.round.status).toBe(status);
    expect(out.missed).toEqual(missed);
    expect(out.round.checkpoints.filter((c) => c.outcome === 'missed').map((c) => c.missedAt)).toEqual(missed.map(() => local(now).toISOString()));
  });

  it('a missed checkpoint is marked once: the next step finds nothing new', () => {
    const first = closeWindows(r1(), local('09:46'));
    expect(closeWindows(first.round, local('09:47')).missed).toEqual([]);
  });

  it('a visited checkpoint is never missed; the round completes with the other one missed', () => {
    const visited = visitRound(r1(), { checkpointId: 'cp-1', at: local('09:31'), guardId: 'G01' }).round;
    const out = closeWindows(visited, local('10:06'));
    expect(out.missed).toEqual(['cp-2']);
    expect(out.round).toMatchObject({ status: 'completed', compliance: 0.5 });
  });
});

describe(roundDueAt.name, () => {
  it.each([
    { edge: 'scheduled: when the first window opens', prepare: () => r1(), due: '09:15:00' },
    { edge: 'in progress: 1 ms after the first pending window closes', prepare: () => closeWindows(r1(), local('09:20')).round, due: '09:45:00.001' },
    { edge: 'cp-1 visited: after cp-2 closes', prepare: () => visitRound(closeWindows(r1(), local('09:20')).round, { checkpointId: 'cp-1', at: local('09:30'), guardId: 'G01' }).round, due: '10:05:00.001' },
  ])('$edge', ({ prepare, due }) => {
    expect(roundDueAt(prepare())?.toISOString()).toBe(local(due).toISOString());
  });

  it('completed: never', () => {
    expect(roundDueAt(closeWindows(r1(), local('11:00')).round)).toBeNull();
  });
});

describe(roundProgress.name, () => {
  // CONTRACT §3: on-time ÷ all; an `unmonitored` checkpoint counts in neither part.
  it.each([
    { outcomes: ['on_time', 'early'], expected: { status: 'completed', compliance: 0.5 } },
    { outcomes: ['unmonitored', 'on_time'], expected: { status: 'completed', compliance: 1 } },
    { outcomes: ['unmonitored', 'missed'], expected: { status: 'completed', compliance: 0 } },
    { outcomes: ['unmonitored', 'pending'], expected: { status: 'scheduled', compliance: 0 } },
    { outcomes: ['unmonitored', 'unmonitored'], expected: { status: 'completed', compliance: 0 } }, // nothing monitored: nothing on time
  ] as const)('$outcomes → $expected', ({ outcomes, expected }) => {
    const r = r1();
    outcomes.forEach((o, i) => (r.checkpoints[i]!.outcome = o));
    expect(roundProgress(r, {})).toEqual(expected);
  });

  it('an unmonitored checkpoint is never marked missed by a closing window', () => {
    const r = r1();
    r.checkpoints[0]!.outcome = 'unmonitored';
    expect(closeWindows(r, local('10:06')).missed).toEqual(['cp-2']);
  });
});
