import { describe, expect, it } from 'vitest';
import { assignTap } from './assign-tap';
import { planRounds } from './round-plan';
import { local, SITE } from './patrol.testing';

// cp-2 is planned at 09:50 (r1 09:30 + 20), 10:00 (r2 10:00) and 14:00 (r2 14:00); cp-3 at 10:30 and 14:30.
const today = planRounds(SITE, '2026-11-27');
const yesterday = planRounds(SITE, '2026-11-26');
const all = [...yesterday, ...today];

describe(assignTap.name, () => {
  it.each([
    { edge: 'on its planned time', cp: 'cp-3', tapped: '10:30', round: 'testsite:r2:2026-11-27:1000' },
    { edge: 'a checkpoint on two routes goes to the nearer P_c (09:50 r1)', cp: 'cp-2', tapped: '09:54:59', round: 'testsite:r1:2026-11-27:0930' },
    { edge: 'equally near two rounds: the earlier round', cp: 'cp-2', tapped: '09:55', round: 'testsite:r1:2026-11-27:0930' },
    { edge: 'just past halfway goes to the later round', cp: 'cp-2', tapped: '09:55:00.001', round: 'testsite:r2:2026-11-27:1000' },
    { edge: 'two rounds of one route: nearer to the afternoon one', cp: 'cp-3', tapped: '12:31', round: 'testsite:r2:2026-11-27:1400' },
    { edge: 'two rounds of one route: nearer to the morning one', cp: 'cp-3', tapped: '12:29', round: 'testsite:r2:2026-11-27:1000' },
    { edge: 'far outside any window still belongs to the nearest round of that day', cp: 'cp-1', tapped: '23:59', round: 'testsite:r2:2026-11-27:1400' },
    { edge: 'just after local midnight: today\'s rounds, not yesterday\'s', cp: 'cp-1', tapped: '00:01', round: 'testsite:r1:2026-11-27:0930' },
  ])('$edge: $cp at $tapped → $round', ({ cp, tapped, round }) => {
    const place = assignTap(all, cp, local(tapped), 'Asia/Shanghai');
    expect(place?.round.id).toBe(round);
    expect(place?.round.checkpoints[place.index]!.checkpointId).toBe(cp);
  });

  it('the order taps arrive in does not matter: each is placed by its own device time', () => {
    const late = assignTap(all, 'cp-3', local('14:31'), 'Asia/Shanghai');
    const buffered = assignTap(all, 'cp-3', local('10:29'), 'Asia/Shanghai');
    expect([late?.round.id, buffered?.round.id]).toEqual(['testsite:r2:2026-11-27:1400', 'testsite:r2:2026-11-27:1000']);
  });

  it('a round walking past midnight takes a tap of the next date when its P_c is on that date', () => {
    const cfg = { ...SITE, routes: [{ ...SITE.routes[0]!, schedule: ['09:30', '23:50'] }] };
    const rounds = [...planRounds(cfg, '2026-11-27'), ...planRounds(cfg, '2026-11-28')];
    expect(assignTap(rounds, 'cp-2', local('00:12', '2026-11-28'), 'Asia/Shanghai')?.round.id).toBe('testsite:r1:2026-11-27:2350');
  });

  it.each([
    { edge: 'no round has the checkpoint', rounds: today, cp: 'cp-9' },
    { edge: 'no round that day (before monitoring began)', rounds: yesterday, cp: 'cp-1' },
  ])('$edge → null', ({ rounds, cp }) => {
    expect(assignTap(rounds, cp, local('09:30'), 'Asia/Shanghai')).toBeNull();
  });
});
