import { describe, expect, it } from 'vitest';
import type { RoundCheckpointDto, RoundDto } from '@estate-watch/contracts';
import {
  checkpointState,
  compliancePct,
  complianceView,
  currentRoundOf,
  currentRounds,
  liveRoundAction,
  planViewBox,
  roundProgress,
  routeLegs,
  siteCheckpoints,
  windowClock,
} from './patrol-logic';

const min = 60_000;
const at = (hhmmss: string) => Date.parse(`2026-11-27T${hhmmss}Z`);
const iso = (ms: number) => new Date(ms).toISOString();

/** Planned 09:30, tolerance 15 min: window [09:15, 09:45], both edges inclusive. */
const cp = (over: Partial<RoundCheckpointDto> = {}): RoundCheckpointDto => ({
  checkpointId: 'cp-north-gate',
  name: '北门岗亭',
  x: 500,
  y: 40,
  offsetMin: 0,
  plannedAt: iso(at('09:30:00')),
  windowStart: iso(at('09:15:00')),
  windowEnd: iso(at('09:45:00')),
  outcome: 'pending',
  taps: 0,
  flags: [],
  ...over,
});

const round = (startHhmm: string, over: Partial<RoundDto> = {}): RoundDto => {
  const start = at(`${startHhmm}:00`);
  return {
    id: `lakeside:day-perimeter:2026-11-27:${startHhmm.replace(':', '')}`,
    siteId: 'lakeside',
    timezone: 'Asia/Shanghai',
    routeId: 'day-perimeter',
    routeName: '日间外围巡查',
    department: 'security',
    localDate: '2026-11-27',
    startLocal: startHhmm,
    start: iso(start),
    toleranceMin: 15,
    windowStart: iso(start - 15 * min),
    windowEnd: iso(start + 60 * min),
    status: 'scheduled',
    compliance: 0,
    checkpoints: [],
    ...over,
  };
};

describe('checkpoint state (CONTRACT §3)', () => {
  it.each([
    { now: '09:14:59', expected: 'upcoming' },
    { now: '09:15:00', expected: 'due' }, // window edges are inclusive
    { now: '09:45:00', expected: 'due' },
    { now: '09:45:01', expected: 'overdue' }, // closed, the server's miss not in yet
  ])('a pending checkpoint at $now is $expected', ({ now, expected }) => {
    expect(checkpointState(cp(), at(now))).toBe(expected);
  });

  it.each(['on_time', 'early', 'late', 'missed'] as const)('a settled outcome (%s) is the server’s, whatever the clock', (outcome) => {
    expect(checkpointState(cp({ outcome }), at('09:20:00'))).toBe(outcome);
    expect(checkpointState(cp({ outcome }), at('11:00:00'))).toBe(outcome);
  });
});

describe('window countdown', () => {
  it.each([
    { now: '09:10:00', expected: { phase: 'opens', ms: 5 * min } },
    { now: '09:15:00', expected: { phase: 'closes', ms: 30 * min } },
    { now: '09:44:30', expected: { phase: 'closes', ms: 30_000 } },
    { now: '09:45:00', expected: { phase: 'closes', ms: 0 } },
    { now: '09:45:08', expected: { phase: 'closed', ms: 8000 } },
  ])('at $now: $expected.phase', ({ now, expected }) => {
    expect(windowClock(cp(), at(now))).toEqual(expected);
  });

  it('stops once the checkpoint has an outcome', () => {
    expect(windowClock(cp({ outcome: 'on_time', visitedAt: iso(at('09:31:00')) }), at('09:40:00'))).toBeNull();
  });
});

describe('the current round of a route', () => {
  const morning = round('09:30');
  const afternoon = round('15:00');

  it.each([
    { now: '08:00:00', expected: '09:30', why: 'before the day starts: the next one due' },
    { now: '09:15:00', expected: '09:30', why: 'its first window has opened' },
    { now: '12:00:00', expected: '15:00', why: 'between rounds: the next one due' },
    { now: '15:20:00', expected: '15:00', why: 'being walked' },
    { now: '20:00:00', expected: '15:00', why: 'after the last: the last one walked' },
  ])('at $now it is $expected ($why)', ({ now, expected }) => {
    expect(currentRoundOf([afternoon, morning], at(now))?.startLocal).toBe(expected);
  });

  it('a round the server says is in progress is current even past its span (late taps still coming)', () => {
    const late = round('09:30', { status: 'in_progress' });
    expect(currentRoundOf([late, afternoon], at('12:00:00'))?.startLocal).toBe('09:30');
  });

  it('a completed round is not current while the next one waits', () => {
    const done = round('09:30', { status: 'completed' });
    expect(currentRoundOf([done, afternoon], at('10:00:00'))?.startLocal).toBe('15:00');
  });

  it('none for a route without rounds', () => {
    expect(currentRoundOf([], at('10:00:00'))).toBeUndefined();
  });

  it('one per route, in start order', () => {
    const inside = (hhmm: string) => round(hhmm, { id: `lakeside:garage-blocks:2026-11-27:${hhmm}`, routeId: 'garage-blocks', routeName: '地库与楼栋巡查' });
    const list = currentRounds([afternoon, morning, inside('09:30'), inside('15:00')], at('09:40:00'));
    expect(list.map((r) => `${r.routeId} ${r.startLocal}`)).toEqual(['garage-blocks 09:30', 'day-perimeter 09:30']);
  });
});

describe('round progress and compliance', () => {
  it('counts each outcome; settled means visited, missed or never monitored', () => {
    const r = round('09:30', {
      compliance: 0.5,
      checkpoints: [cp({ outcome: 'unmonitored' }), cp({ outcome: 'on_time' }), cp({ outcome: 'late' }), cp({ outcome: 'missed' }), cp({ outcome: 'on_time' }), cp()],
    });
    expect(roundProgress(r)).toEqual({ total: 6, settled: 5, onTime: 2, early: 0, late: 1, missed: 1, unmonitored: 1 });
  });

  it('a window closed before monitoring began shows as unmonitored, with no countdown', () => {
    const unwatched = cp({ outcome: 'unmonitored' });
    expect(checkpointState(unwatched, Date.parse(unwatched.windowEnd) + 60_000)).toBe('unmonitored');
    expect(windowClock(unwatched, Date.parse(unwatched.windowEnd) + 60_000)).toBeNull();
  });

  it.each([
    { compliance: 0, pct: 0 },
    { compliance: 0.875, pct: 88 },
    { compliance: 1, pct: 100 },
    { compliance: 1.2, pct: 100 }, // never above 100 %, whatever arrives
  ])('$compliance → $pct %', ({ compliance, pct }) => {
    expect(compliancePct({ compliance })).toBe(pct);
  });
});

describe('compliance shown in the list', () => {
  const walked = (outcomes: RoundCheckpointDto['outcome'][], over: Partial<RoundDto> = {}) =>
    round('09:30', { checkpoints: outcomes.map((outcome) => cp({ outcome })), ...over });

  it('a completed round shows the server’s final figure', () => {
    expect(complianceView(walked(['on_time', 'missed', 'on_time', 'late'], { status: 'completed', compliance: 0.5 }))).toEqual({ pct: 50, final: true });
  });

  it('a round being walked shows on time ÷ checked so far, not a low figure that only the pending make low', () => {
    expect(complianceView(walked(['on_time', 'on_time', 'late', 'pending', 'pending'], { status: 'in_progress', compliance: 0.4 }))).toEqual({ pct: 67, final: false });
  });

  it('nothing before the first checkpoint is settled', () => {
    expect(complianceView(walked(['pending', 'pending'], { status: 'in_progress' }))).toBeNull();
  });
});

describe('live patrol events', () => {
  it.each([
    { localDate: '2026-11-27', shown: '2026-11-27', follow: true, expected: 'upsert' },
    { localDate: '2026-11-26', shown: '2026-11-26', follow: false, expected: 'upsert' }, // a buffered tap changes yesterday
    { localDate: '2026-11-27', shown: null, follow: true, expected: 'upsert' }, // list still loading
    { localDate: '2026-11-28', shown: '2026-11-27', follow: true, expected: 'refetch' }, // midnight passed
    { localDate: '2026-11-28', shown: '2026-11-25', follow: false, expected: 'ignore' }, // looking at another day
    { localDate: '2026-11-26', shown: '2026-11-27', follow: true, expected: 'ignore' },
  ] as const)('a round of $localDate while $shown is shown (follow today: $follow) → $expected', ({ localDate: d, shown, follow, expected }) => {
    expect(liveRoundAction({ localDate: d }, shown, follow)).toBe(expected);
  });
});

describe('site plan', () => {
  it('lists each checkpoint of the site once, across routes and rounds', () => {
    const a = round('09:30', { checkpoints: [cp(), cp({ checkpointId: 'cp-east-fence', name: '东侧围墙', x: 965, y: 380 })] });
    const b = round('15:00', { checkpoints: [cp()] });
    const other = round('09:30', { siteId: 'hillside', checkpoints: [cp({ checkpointId: 'cp-x' })] });
    expect(siteCheckpoints([a, b, other], 'lakeside').map((p) => p.id)).toEqual(['cp-north-gate', 'cp-east-fence']);
  });

  it('is 1000 × 700 unless a checkpoint lies outside it', () => {
    expect(planViewBox([{ x: 500, y: 40 }])).toEqual({ x: 0, y: 0, w: 1000, h: 700 });
    expect(planViewBox([{ x: 1100, y: 720 }], 40)).toEqual({ x: 0, y: 0, w: 1140, h: 760 });
  });

  it('draws the walking order as legs with the arrow midway, heading to the next checkpoint', () => {
    const legs = routeLegs([{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 100 }]);
    expect(legs).toEqual([
      { x1: 0, y1: 0, x2: 100, y2: 0, mx: 50, my: 0, angle: 0 },
      { x1: 100, y1: 0, x2: 100, y2: 100, mx: 100, my: 50, angle: 90 }, // y grows southward
    ]);
  });
});
