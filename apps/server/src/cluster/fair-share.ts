// Which leases a server should take or let go of: pure, so the rule is tested without a database.
//
// Each kind of work (MQTT shards, handler pipelines, timers) is balanced on its own, so every
// server gets some of each: a server holds at most ceil(units / live servers) of a kind. A server
// over that lets the surplus go (the newcomer takes it on its next round); one under it takes
// free units. Nothing is ever taken from a live holder: a unit changes hands only when released
// or expired, which is what keeps two servers from doing the same work.

export interface ShareInput {
  /** Every unit of one kind, e.g. mqtt:0 … mqtt:11. */
  units: readonly string[];
  /** Units this server holds. */
  mine: ReadonlySet<string>;
  /** Units other servers hold (unexpired leases). */
  others: ReadonlySet<string>;
  /** Live servers, this one included (≥ 1). */
  servers: number;
  /** False when this server may not take more (its broker connection is down). */
  mayTake?: boolean;
}

export interface SharePlan {
  take: string[];
  release: string[];
}

export function fairShare({ units, mine, others, servers, mayTake = true }: ShareInput): SharePlan {
  const target = Math.ceil(units.length / Math.max(1, servers));
  const held = units.filter((u) => mine.has(u));
  if (held.length > target) return { take: [], release: held.slice(target) };
  if (!mayTake) return { take: [], release: [] };
  const free = units.filter((u) => !mine.has(u) && !others.has(u));
  return { take: free.slice(0, target - held.length), release: [] };
}
