import { describe, expect, it } from 'vitest';
import { applyPushed, isNewer, mergeFetched, putPushed, replaceFetched } from './revision';

const lot = (id: string, revision: number | undefined, occupancy: number) => ({ id, revision, occupancy });
type Lot = ReturnType<typeof lot>;
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

// The merge rule every live store follows (parking, dispensers, sensors, rounds): the store holds
// `a` at revision 10 (shown with the value 1) and `b` at 7; an object comes in for `a` or for `c`.
describe('the revision merge rule, for a push and for a fetched list alike', () => {
  const cases: { case: string; incoming: Lot; taken: boolean; kept: Lot }[] = [
    { case: 'older: ignored', incoming: lot('a', 9, 99), taken: false },
    { case: 'equal: taken (says the same, or more)', incoming: lot('a', 10, 2), taken: true },
    { case: 'newer: taken', incoming: lot('a', 11, 3), taken: true },
    { case: 'unknown entity: added', incoming: lot('c', 1, 4), taken: true },
    { case: 'no revision (an older server): taken', incoming: lot('a', undefined, 5), taken: true },
  ].map((c) => ({ ...c, kept: c.taken ? c.incoming : lot('a', 10, 1) }));
  const held = () => [lot('a', 10, 1), lot('b', 7, 0)];

  it.each(cases)('a push, $case', ({ incoming, taken, kept }) => {
    const list = applyPushed(held(), incoming, key);
    expect(list.find((l) => l.id === incoming.id)).toEqual(kept);
    expect(list.find((l) => l.id === 'b')).toEqual(lot('b', 7, 0));
    const map = new Map(held().map((l) => [l.id, l]));
    expect(putPushed(map, incoming, key)).toBe(taken);
    expect(map.get(incoming.id)).toEqual(kept);
  });

  it.each(cases)('a fetched list, $case; what the list lacks goes', ({ incoming, kept }) => {
    expect(mergeFetched(held(), [incoming], key)).toEqual([kept]);
    const map = new Map(held().map((l) => [l.id, l]));
    replaceFetched(map, [incoming], key);
    expect([...map.values()]).toEqual([kept]);
  });
});

describe('a late HTTP answer against a newer push', () => {
  it('keeps the pushed lot when the list was read before the push', () => {
    let held = [lot('a', 10, 3), lot('b', 7, 1)];
    held = applyPushed(held, lot('a', 12, 4), key); // the push arrives first
    held = mergeFetched(held, [lot('a', 10, 3), lot('b', 8, 2)], key); // then the older answer
    expect(held).toEqual([lot('a', 12, 4), lot('b', 8, 2)]);
  });
});
