import { afterEach, describe, expect, it, vi } from 'vitest';
import { Periodic } from './periodic';

describe(Periodic.name, () => {
  afterEach(() => vi.useRealTimers());

  it('runs a job every period and never while its previous run is still going', async () => {
    vi.useFakeTimers();
    const periodic = new Periodic();
    let started = 0;
    let finish: (() => void) | undefined;
    periodic.every('slow sweep', 1_000, () => {
      started++;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    await vi.advanceTimersByTimeAsync(5_000); // five ticks while the first run hangs
    expect(started).toBe(1);
    finish!();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toBe(2);
    periodic.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toBe(2);
  });

  it('a failing job is logged and runs again next period', async () => {
    vi.useFakeTimers();
    const periodic = new Periodic();
    let runs = 0;
    periodic.every('flaky sweep', 1_000, async () => {
      runs++;
      throw new Error('database unavailable');
    });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(runs).toBe(3);
    periodic.stop();
  });

  it('on the wall clock a NextDue changes nothing: the job still runs every period (the live server as before)', async () => {
    vi.useFakeTimers();
    const periodic = new Periodic();
    let runs = 0;
    let asked = 0;
    const due = { after: async () => (asked++, null), leadMs: Infinity };
    periodic.every('sweep with a due', 1_000, async () => void runs++, due);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(5);
    expect(asked).toBe(0);
    periodic.stop();
  });

  it('on the wall clock an exact job also runs at its due instant when that comes before the next period (a window closing)', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-04T09:44:59.000Z'));
    const closesAt = new Date('2026-12-04T09:45:00.400Z'); // 1.4 s after start: between two ticks
    const periodic = new Periodic();
    const runs: number[] = [];
    const due = { after: async (now: Date) => (now < closesAt ? closesAt : null), leadMs: Infinity, exact: true };
    periodic.every('patrol sweep', 1_000, async () => void runs.push(Date.now() - closesAt.getTime()), due);
    await vi.advanceTimersByTimeAsync(1_000); // the first tick, which aims at the instant
    expect(runs).toEqual([-400]);
    await vi.advanceTimersByTimeAsync(401);
    expect(runs).toEqual([-400, 1]); // at the instant (+1 ms), not at the next period's tick (+600 ms)
    await vi.advanceTimersByTimeAsync(599);
    expect(runs).toEqual([-400, 1, 600]);
    periodic.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toHaveLength(3);
  });

  it('on the wall clock an exact job whose instant has already passed waits for its period (no loop of immediate runs)', async () => {
    vi.useFakeTimers();
    const periodic = new Periodic();
    let runs = 0;
    const due = { after: async (now: Date) => new Date(now.getTime() - 1), leadMs: Infinity, exact: true };
    periodic.every('patrol sweep that cannot plan', 1_000, async () => void runs++, due);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(runs).toBe(3);
    periodic.stop();
  });
});
