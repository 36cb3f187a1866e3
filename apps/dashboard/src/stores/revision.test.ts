import { describe, expect, it } from 'vitest';
import { applyPushed, isNewer, mergeFetched } from './revision';

const lot = (id: string, revision: number | undefined, occupancy: number) => ({ id, revision, occupancy });
const key = (l: { id: string }) => l.id;

describe(isNewer.name, () => {
  it.each([
    { incoming: 5, current: 4, newer: true },
    { incoming: 5, current: 5, newer: true }, // the same revision again (a refetch) is taken
    { incoming: 4, current: 5, newer: false },
    { incoming: undefined, current: 5, newer: true }, // a server without revisions: last one wins, as before
  ])('$incoming over $current → $newer', ({ incoming, current, newer }) => {
    expect(isNewer({ revision: incoming }, { revision: current })).toBe(newer);
  });
});

describe('a late HTTP answer against a newer push', () => {
  it('keeps the pushed lot when the list was read before the push', () => {
    let held = [lot('a', 10, 3), lot('b', 7, 1)];
    held = applyPushed(held, lot('a', 12, 4), key); // the push arrives first
    held = mergeFetched(held, [lot('a', 10, 3), lot('b', 8, 2)], key); // then the older answer
    expect(held).toEqual([lot('a', 12, 4), lot('b', 8, 2)]);
  });

  it('ignores a push older than what is held, and appends a lot it did not know', () => {
    const held = [lot('a', 12, 4)];
    expect(applyPushed(held, lot('a', 11, 9), key)).toEqual([lot('a', 12, 4)]);
    expect(applyPushed(held, lot('c', 1, 1), key)).toEqual([lot('a', 12, 4), lot('c', 1, 1)]);
  });
});
