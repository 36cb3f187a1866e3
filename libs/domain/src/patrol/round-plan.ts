// CONTRACT §3 — a round is one route at one scheduled start on one site-local day; Pᵢ = start + offsetMinᵢ.
import type { DepartmentId, RoundDto } from '@estate-watch/contracts';
import { zonedInstant } from '../time/site-clock';

/** The parts of a site file that planning reads (SiteConfig satisfies it). */
export interface PatrolSiteConfig {
  site: { id: string; timezone: string };
  checkpoints: readonly { id: string; name: string; x: number; y: number }[];
  routes: readonly {
    id: string;
    name: string;
    department: DepartmentId;
    toleranceMin: number;
    schedule: readonly string[];
    checkpoints: readonly { checkpoint: string; offsetMin: number }[];
  }[];
}

const MINUTE_MS = 60_000;

/** Deterministic, so a restart or a second instance finds the same round: `lakeside:day-round:2026-11-27:0930`. */
export function roundId(siteId: string, routeId: string, localDate: string, hhmm: string): string {
  return `${siteId}:${routeId}:${localDate}:${hhmm.replace(':', '')}`;
}

/** Every round of every route on one site-local date, fresh (nothing visited), ordered by start. */
export function planRounds(cfg: PatrolSiteConfig, localDate: string): RoundDto[] {
  const places = new Map(cfg.checkpoints.map((c) => [c.id, c]));
  const rounds: RoundDto[] = [];
  for (const route of cfg.routes) {
    for (const hhmm of route.schedule) {
      const start = zonedInstant(localDate, hhmm, cfg.site.timezone).getTime();
      const tol = route.toleranceMin * MINUTE_MS;
      const checkpoints = route.checkpoints.map((stop) => {
        const planned = start + stop.offsetMin * MINUTE_MS;
        const place = places.get(stop.checkpoint);
        return {
          checkpointId: stop.checkpoint,
          name: place?.name ?? stop.checkpoint,
          x: place?.x ?? 0,
          y: place?.y ?? 0,
          offsetMin: stop.offsetMin,
          plannedAt: iso(planned),
          windowStart: iso(planned - tol),
          windowEnd: iso(planned + tol),
          outcome: 'pending' as const,
          taps: 0,
          flags: [],
        };
      });
      rounds.push({
        id: roundId(cfg.site.id, route.id, localDate, hhmm),
        siteId: cfg.site.id,
        timezone: cfg.site.timezone,
        routeId: route.id,
        routeName: route.name,
        department: route.department,
        localDate,
        startLocal: hhmm,
        start: iso(start),
        toleranceMin: route.toleranceMin,
        windowStart: checkpoints[0]!.windowStart,
        windowEnd: checkpoints.reduce((end, c) => (c.windowEnd > end ? c.windowEnd : end), checkpoints[0]!.windowEnd),
        status: 'scheduled',
        compliance: 0,
        checkpoints,
      });
    }
  }
  return rounds.sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
}

/** Two plans of one round are the same when their times, tolerance and checkpoints are. */
export function samePlan(a: RoundDto, b: RoundDto): boolean {
  const shape = (r: RoundDto) =>
    JSON.stringify([r.routeName, r.department, r.start, r.toleranceMin, r.checkpoints.map((c) => [c.checkpointId, c.name, c.x, c.y, c.offsetMin])]);
  return shape(a) === shape(b);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
