import { describe, expect, it } from 'vitest';
import { Periodic } from '../common/periodic';
import { ReplayTime } from './replay-time';

const T0 = Date.parse('2026-12-01T00:00:00Z');
const S = 1000;

/**
 * Sweeps (name → period in s) on a ReplayTime whose barriers fall every `tick` s, time advanced to
 * each stop (s after T0) in turn, then flushed if asked: the barriers and sweep runs in order
 * (`a@10`: sweep a ran with the clock at 10 s), and where time ended.
 */
async function drive(tick: number, periods: Record<string, number>, stops: number[], flush = false) {
  const time = new ReplayTime(T0, tick * S);
  const periodic = new Periodic(time.schedule);
  const log: string[] = [];
  const at = () => (time.clock.now().getTime() - T0) / S;
  for (const [name, every] of Object.entries(periods)) periodic.every(name, every * S, async () => void log.push(`${name}@${at()}`));
  const barrier = async () => void log.push(`barrier@${at()}`);
  for (const stop of stops) await time.advanceTo(T0 + stop * S, barrier);
  if (flush) await time.flush(barrier);
  periodic.stop();
  return { log, now: at(), counts: time.counts };
}

interface Case {
  name: string;
  tick: number;
  periods: Record<string, number>;
  stops: number[];
  log: string[];
  now: number;
}

describe(ReplayTime.name, () => {
  it.each<Case>([
    {
      name: 'tick 0: each sweep at its own due time, after a barrier that still sees the time before it',
      tick: 0,
      periods: { a: 1, b: 2 },
      stops: [3.5],
      log: ['barrier@0', 'a@1', 'barrier@1', 'a@2', 'b@2', 'barrier@2', 'a@3'],
      now: 3.5,
    },
    {
      name: 'tick 10 s: the sweeps due within a tick run once, at its end',
      tick: 10,
      periods: { a: 1, b: 5 },
      stops: [25],
      log: ['barrier@0', 'a@10', 'b@10', 'barrier@10', 'a@20', 'b@20'],
      now: 25,
    },
    {
      name: 'no sweep due yet: time moves, no barrier',
      tick: 60,
      periods: { a: 60 },
      stops: [30],
      log: [],
      now: 30,
    },
    {
      name: 'stops inside a tick wait for its end',
      tick: 10,
      periods: { a: 1 },
      stops: [3, 7, 12],
      log: ['barrier@7', 'a@10'],
      now: 12,
    },
  ])('$name', async ({ tick, periods, stops, log, now }) => {
    const result = await drive(tick, periods, stops);
    expect(result.log).toEqual(log);
    expect(result.now).toBe(now);
  });

  it('an hour of quiet at a 60 s tick: one barrier a minute, each sweep once in it', async () => {
    const { log, counts } = await drive(60, { patrol: 1, offline: 5, deadlines: 3600 }, [3600]);
    expect(counts.barriers).toBe(60);
    expect(log.filter((l) => l.startsWith('patrol@'))).toHaveLength(60);
    expect(log.filter((l) => l.startsWith('offline@'))).toHaveLength(60);
    expect(log.filter((l) => l.startsWith('deadlines@'))).toEqual(['deadlines@3600']);
    expect(counts.sweeps).toBe(121);
  });

  it('flush: a barrier, then every sweep once at the time reached, due or not', async () => {
    const { log } = await drive(60, { a: 60, b: 3600 }, [30], true);
    expect(log).toEqual(['barrier@30', 'a@30', 'b@30']);
  });

  it('never moves back', async () => {
    const time = new ReplayTime(T0, 1000);
    await time.advanceTo(T0 + 5000, async () => undefined);
    await time.advanceTo(T0 + 1000, async () => undefined);
    expect(time.now()).toBe(T0 + 5000);
  });

  it('advanceTo resolves only once the sweeps it started have finished', async () => {
    const time = new ReplayTime(T0, 0);
    const periodic = new Periodic(time.schedule);
    let finish: () => void = () => undefined;
    periodic.every('slow', 1000, () => new Promise<void>((resolve) => (finish = resolve)));
    let done = false;
    const advancing = time.advanceTo(T0 + 1500, async () => undefined).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    finish();
    await advancing;
    expect(done).toBe(true);
    periodic.stop();
  });

  it('overlapped: the replay moves on while a tick waits for its barrier; the sweep then starts at the tick’s time', async () => {
    const time = new ReplayTime(T0, 10 * S, { overlap: true });
    const periodic = new Periodic(time.schedule);
    const seen: number[] = [];
    periodic.every('a', 10 * S, async () => void seen.push((time.clock.now().getTime() - T0) / S));
    let release: () => void = () => undefined;
    const applied = new Promise<void>((resolve) => (release = resolve));
    await time.advanceTo(T0 + 15 * S, () => applied);
    expect(time.now()).toBe(T0 + 15 * S);
    expect(seen).toEqual([]);
    release();
    await time.flush(async () => undefined);
    expect(seen).toEqual([10, 15]);
    expect(time.now()).toBe(T0 + 15 * S);
    periodic.stop();
  });

  it('overlapped: never further than aheadMs past the oldest barrier whose sweeps wait', async () => {
    const time = new ReplayTime(T0, 10 * S, { overlap: true, aheadMs: 20 * S });
    const periodic = new Periodic(time.schedule);
    periodic.every('a', 10 * S, async () => undefined);
    let returned = false;
    const never = new Promise<void>(() => undefined);
    void time.advanceTo(T0 + 60 * S, () => never).then(() => (returned = true));
    await new Promise((r) => setImmediate(r));
    expect(returned).toBe(false);
    expect(time.now()).toBe(T0 + 30 * S);
    periodic.stop();
  });

  it('useDue: a sweep runs at each instant its NextDue names, and no other; one without runs every period', async () => {
    const time = new ReplayTime(T0, 0, { useDue: true });
    const periodic = new Periodic(time.schedule);
    const log: string[] = [];
    const at = () => (time.clock.now().getTime() - T0) / S;
    // Deadlines at 30 s and 95 s; each run consumes the ones passed.
    const deadlines = [30, 95];
    periodic.every(
      'due',
      1 * S,
      async () => {
        log.push(`due@${at()}`);
        while (deadlines.length > 0 && deadlines[0]! <= at()) deadlines.shift();
      },
      { after: async () => (deadlines.length > 0 ? new Date(T0 + deadlines[0]! * S) : null), leadMs: Infinity },
    );
    periodic.every('plain', 50 * S, async () => void log.push(`plain@${at()}`));
    // Before the first run nothing says when the due sweep is next: it runs at its first period, then as told.
    await time.advanceTo(T0 + 200 * S, async () => undefined);
    expect(log).toEqual(['due@1', 'due@30', 'plain@50', 'due@95', 'plain@100', 'plain@150', 'plain@200']);
    expect(time.counts.sweeps).toBe(7);
    periodic.stop();
  });

  it('useDue: a due further than leadMs after what was applied is checked at that lead instead (a message may bring it forward)', async () => {
    const time = new ReplayTime(T0, 0, { useDue: true });
    const periodic = new Periodic(time.schedule);
    const runs: number[] = [];
    periodic.every('lead', 1 * S, async () => void runs.push((time.clock.now().getTime() - T0) / S), { after: async () => null, leadMs: 90 * S });
    time.appliedBefore = () => time.now();
    await time.advanceTo(T0 + 300 * S, async () => undefined);
    expect(runs).toEqual([1, 91, 181, 271]);
    periodic.stop();
  });

  it('the live pace ignores NextDue: every period', async () => {
    const time = new ReplayTime(T0, 1000);
    const periodic = new Periodic(time.schedule);
    const runs: number[] = [];
    periodic.every('due', 1 * S, async () => void runs.push(1), { after: async () => null, leadMs: Infinity });
    await time.advanceTo(T0 + 60 * S, async () => undefined);
    expect(runs).toHaveLength(60);
    periodic.stop();
  });

  it('overlapped: an exact sweep does not stop the replay; exactClear says it has not run yet, and a next instant already passed runs at once, in turn', async () => {
    const time = new ReplayTime(T0, 0, { overlap: true, useDue: true });
    const periodic = new Periodic(time.schedule);
    const runs: number[] = [];
    periodic.every('w', 10 * S, async () => void runs.push((time.clock.now().getTime() - T0) / S), { after: async (now) => new Date(now.getTime() + 10 * S), leadMs: Infinity, exact: true });
    let heard = 0;
    time.onExactRan = () => heard++;
    let release: () => void = () => undefined;
    const applied = new Promise<void>((resolve) => (release = resolve));
    await time.advanceTo(T0 + 35 * S, () => applied);
    expect(time.now()).toBe(T0 + 35 * S);
    expect(runs).toEqual([]);
    expect(time.exactClear(T0 + 10 * S - 1)).toBe(true);
    expect(time.exactClear(T0 + 10 * S)).toBe(false);
    release();
    await time.flush(async () => undefined);
    // 10 s ran; its next instants, 20 and 30 s, had passed: each ran before the replay heard it may go on.
    expect(runs).toEqual([10, 20, 30, 35]);
    expect(heard).toBe(3);
    expect(time.exactClear(T0 + 40 * S - 1)).toBe(true);
    periodic.stop();
  });

  it('overlapped: a sweep that is not exact lets the replay go on and is never waited for by exactClear', async () => {
    const time = new ReplayTime(T0, 0, { overlap: true, useDue: true });
    const periodic = new Periodic(time.schedule);
    const runs: number[] = [];
    periodic.every('w', 10 * S, async () => void runs.push((time.clock.now().getTime() - T0) / S), { after: async (now) => new Date(now.getTime() + 10 * S), leadMs: Infinity });
    let release: () => void = () => undefined;
    const applied = new Promise<void>((resolve) => (release = resolve));
    await time.advanceTo(T0 + 15 * S, () => applied);
    expect(time.exactClear(T0 + 15 * S)).toBe(true);
    release();
    await time.flush(async () => undefined);
    expect(runs).toEqual([10, 15]);
    periodic.stop();
  });
});
