// Issue 10 point 5: a store takes a pushed object and an HTTP answer alike, and keeps whichever is
// newer by its revision, so a list fetched before a push but answered after it never undoes the push.

export interface Revised {
  revision?: number;
}

/**
 * `incoming` replaces `current` unless `current` is known to be newer. The same revision again is
 * taken: a list answered after a push of that revision says the same, or more (an alert linked since).
 */
export function isNewer(incoming: Revised, current: Revised | undefined): boolean {
  if (!current || current.revision === undefined || incoming.revision === undefined) return true;
  return incoming.revision >= current.revision;
}

/** A fetched list merged with what is held: per key, the higher revision wins; keys the list lacks go. */
export function mergeFetched<T extends Revised>(held: Iterable<T>, fetched: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map([...held].map((item) => [key(item), item]));
  return fetched.map((item) => {
    const current = byKey.get(key(item));
    return current && !isNewer(item, current) ? current : item;
  });
}

/** One pushed object into a list: replaced when newer, appended when new. */
export function applyPushed<T extends Revised>(held: readonly T[], pushed: T, key: (item: T) => string): T[] {
  const k = key(pushed);
  const i = held.findIndex((item) => key(item) === k);
  if (i < 0) return [...held, pushed];
  if (!isNewer(pushed, held[i])) return [...held];
  return held.map((item, j) => (j === i ? pushed : item));
}

/** One pushed object into a keyed map: set when newer or new; false when what is held is newer. */
export function putPushed<T extends Revised>(held: Map<string, T>, pushed: T, key: (item: T) => string): boolean {
  const k = key(pushed);
  if (!isNewer(pushed, held.get(k))) return false;
  held.set(k, pushed);
  return true;
}

/** A fetched list into a keyed map, as mergeFetched does for a list. */
export function replaceFetched<T extends Revised>(held: Map<string, T>, fetched: readonly T[], key: (item: T) => string): void {
  const merged = mergeFetched(held.values(), fetched, key);
  held.clear();
  for (const item of merged) held.set(key(item), item);
}
