// CONTRACT §3 — a tap inside [P − tolerance, P + tolerance] is on time; both edges are inclusive.
import type { CheckpointOutcome } from '@estate-watch/contracts';

export type TapOutcome = Extract<CheckpointOutcome, 'on_time' | 'early' | 'late'>;

const MINUTE_MS = 60_000;

export function classifyTap(plannedAt: Date, toleranceMin: number, tappedAt: Date): TapOutcome {
  const offset = tappedAt.getTime() - plannedAt.getTime();
  const tolerance = toleranceMin * MINUTE_MS;
  if (offset < -tolerance) return 'early';
  if (offset > tolerance) return 'late';
  return 'on_time';
}
