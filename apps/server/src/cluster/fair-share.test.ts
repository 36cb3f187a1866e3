import { describe, expect, it } from 'vitest';
import { fairShare } from './fair-share';

const units = Array.from({ length: 12 }, (_, i) => `mqtt:${i}`);
const set = (...names: string[]) => new Set(names);
const first = (n: number) => units.slice(0, n);

interface Case { name: string; mine: string[]; others: string[]; servers: number; take: number; release: number; all?: number }

describe(fairShare.name, () => {
  it.each<Case>([
    { name: 'alone: takes every unit', mine: [], others: [], servers: 1, take: 12, release: 0 },
    { name: 'second server joins: the first lets half go', mine: units, others: [], servers: 2, take: 0, release: 6 },
    { name: 'newcomer takes only what is free', mine: [], others: first(6), servers: 2, take: 6, release: 0 },
    { name: 'newcomer waits while the first still holds everything', mine: [], others: units, servers: 2, take: 0, release: 0 },
    { name: 'three servers: at most 4 each', mine: first(6), others: units.slice(6), servers: 3, take: 0, release: 2 },
    { name: 'a server died (its leases expired): survivors share', mine: first(4), others: units.slice(4, 8), servers: 2, take: 2, release: 0 },
    { name: 'uneven: 7 units on 3 servers, at most 3', mine: [], others: [], servers: 3, take: 4, release: 0, all: 7 },
  ])('$name', ({ mine, others, servers, take, release, all }) => {
    const plan = fairShare({ units: all ? units.slice(0, all) : units, mine: set(...mine), others: set(...others), servers });
    expect(plan.take.length).toBe(all ? Math.min(take, Math.ceil(all / servers)) : take);
    expect(plan.release.length).toBe(release);
    for (const u of plan.take) expect(others.includes(u) || mine.includes(u)).toBe(false);
  });

  it('takes nothing while its broker is away, but still lets the surplus go', () => {
    expect(fairShare({ units, mine: set(), others: set(), servers: 1, mayTake: false })).toEqual({ take: [], release: [] });
    expect(fairShare({ units, mine: set(...units), others: set(), servers: 3, mayTake: false }).release).toHaveLength(8);
  });
});
