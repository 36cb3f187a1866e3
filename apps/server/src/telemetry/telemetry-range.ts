// The time rules of GET /api/telemetry (issue 5.4), pure: the clock comes in as `now`.
import { TELEMETRY_DEFAULT_RANGE_MS, TELEMETRY_MAX_BUCKETS, TELEMETRY_MAX_RANGE_DAYS } from '@estate-watch/contracts';

export type RangeVerdict = { ok: true; from: Date; to: Date } | { ok: false; reason: string };

const MAX_RANGE_MS = TELEMETRY_MAX_RANGE_DAYS * 86_400_000;

/**
 * Both absent: the hour up to now. One given: the hour after `from`, or before `to`.
 * `from` must come before `to`, and the range is at most 31 days.
 */
export function resolveRange(from: string | undefined, to: string | undefined, now: Date): RangeVerdict {
  const end = to !== undefined ? new Date(to) : from !== undefined ? new Date(new Date(from).getTime() + TELEMETRY_DEFAULT_RANGE_MS) : now;
  const start = from !== undefined ? new Date(from) : new Date(end.getTime() - TELEMETRY_DEFAULT_RANGE_MS);
  if (start.getTime() >= end.getTime()) return { ok: false, reason: `from (${start.toISOString()}) must be before to (${end.toISOString()})` };
  const span = end.getTime() - start.getTime();
  if (span > MAX_RANGE_MS) {
    return { ok: false, reason: `the range is at most ${TELEMETRY_MAX_RANGE_DAYS} days; from ${start.toISOString()} to ${end.toISOString()} is ${(span / 86_400_000).toFixed(1)} days` };
  }
  return { ok: true, from: start, to: end };
}

/** range ÷ step must stay within TELEMETRY_MAX_BUCKETS; the reason names the smallest step that fits. */
export function checkBuckets(from: Date, to: Date, step: string, stepMs: number): string | undefined {
  const buckets = Math.ceil((to.getTime() - from.getTime()) / stepMs);
  if (buckets <= TELEMETRY_MAX_BUCKETS) return undefined;
  const minSeconds = Math.ceil((to.getTime() - from.getTime()) / TELEMETRY_MAX_BUCKETS / 1000);
  return `step ${step} makes ${buckets} buckets over this range; at most ${TELEMETRY_MAX_BUCKETS}: use a step of at least ${minSeconds}s or a shorter range`;
}
