import { describe, expect, it } from 'vitest';
import { every, sleepUntil, VirtualClock } from './clock';

describe(VirtualClock.name, () => {
  it('fires timers in time order while advancing, and only those due', async () => {
    const clock = new VirtualClock({ start: 0 });
    const fired: string[] = [];
    clock.setTimer(300, () => fired.push('c@300'));
    clock.setTimer(100, () => fired.push('a@100'));
    clock.setTimer(100, () => fired.push('b@100'));
    clock.setTimer(301, () => fired.push('late'));
    await clock.advance(300);
    expect(fired).toEqual(['a@100', 'b@100', 'c@300']);
    expect(clock.now()).toBe(300);
  });

  it('runs an hour of 30 s heartbeats in one advance', async () => {
    const clock = new VirtualClock({ start: 0 });
    const beats: number[] = [];
    const cancel = every(clock, 30_000, () => beats.push(clock.now()));
    await clock.advance(3_600_000);
    cancel();
    await clock.advance(3_600_000);
    expect(beats).toHaveLength(120);
    expect(beats[0]).toBe(30_000);
  });

  it('in auto mode jumps to each wake-up by itself', async () => {
    const clock = new VirtualClock({ start: '2026-11-27T00:00:00Z', auto: true });
    const start = clock.now();
    await sleepUntil(clock, start + 86_400_000);
    expect(clock.now() - start).toBe(86_400_000);
  });
});
