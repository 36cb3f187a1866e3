// CONTRACT §3 and §6 — patrol rounds: the round object of GET /api/patrol/rounds and the `patrol` live event.
import { z } from 'zod';
import type { DepartmentId } from './site-config';

export const ROUND_STATUSES = ['scheduled', 'in_progress', 'completed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

/** `unmonitored`: the window closed before monitoring of the site began (CONTRACT §3): no alert, no order. */
export const CHECKPOINT_OUTCOMES = ['pending', 'on_time', 'early', 'late', 'missed', 'unmonitored'] as const;
export type CheckpointOutcome = (typeof CHECKPOINT_OUTCOMES)[number];

export const VISIT_FLAGS = ['duplicate', 'out_of_order'] as const;
export type VisitFlag = (typeof VISIT_FLAGS)[number];

/** One checkpoint of one round. Times are RFC 3339 UTC instants. */
export interface RoundCheckpointDto {
  checkpointId: string;
  /** Name and site-plan position, copied from the site file when the round was planned. */
  name: string;
  x: number;
  y: number;
  offsetMin: number;
  /** Pᵢ = start + offsetMinᵢ. */
  plannedAt: string;
  /** [Pᵢ − tolerance, Pᵢ + tolerance], both edges inclusive. */
  windowStart: string;
  windowEnd: string;
  outcome: CheckpointOutcome;
  /** Device time (`ts`) of the visit that stands: the earliest tap. */
  visitedAt?: string;
  guardId?: string;
  guardName?: string;
  /** When the checkpoint was marked missed (server time); kept if a buffered tap later turns it. */
  missedAt?: string;
  /** Taps of this checkpoint counted into this round. */
  taps: number;
  flags: VisitFlag[];
}

/** CONTRACT §6 round object, plus what the site plan and the list need. */
export interface RoundDto {
  /** `${site}:${route}:${YYYY-MM-DD}:${HHMM}` — deterministic, so a restart finds the same round. */
  id: string;
  siteId: string;
  /** The site's IANA time zone (its file's `site.timezone`): screens show the round's times on the site's clock (issue 10 point 2). */
  timezone: string;
  routeId: string;
  routeName: string;
  department: DepartmentId;
  /** Site-local date of the scheduled start. */
  localDate: string;
  /** Scheduled start, site-local HH:MM as in the site file. */
  startLocal: string;
  start: string;
  toleranceMin: number;
  /** First checkpoint's window start and last checkpoint's window end. */
  windowStart: string;
  windowEnd: string;
  status: RoundStatus;
  /** On-time checkpoints ÷ all checkpoints but `unmonitored` ones (0–1); final once `completed`. */
  compliance: number;
  checkpoints: RoundCheckpointDto[];
  /**
   * Grows with every change the server stores (a visit, a miss, a status, a new plan), across
   * servers: a screen keeps the round with the higher revision, so a late HTTP answer never
   * overwrites a newer live `patrol` push (issue 10 point 5). Absent on a round not stored yet (a
   * day beyond tomorrow, shown as the site file plans it).
   */
  revision?: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date: 2026-02-30 is refused, not read as 2 March. */
function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** GET /api/patrol/rounds query. */
export const RoundQuerySchema = z.object({
  date: z.string().refine(isCalendarDate, 'date: a calendar date YYYY-MM-DD (site-local)').optional(),
  /** Needed only when the server runs more than one site; otherwise every site's rounds. */
  siteId: z.string().max(32).optional(),
  routeId: z.string().max(64).optional(),
});
export type RoundQuery = z.infer<typeof RoundQuerySchema>;
