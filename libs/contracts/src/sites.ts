// GET /api/sites — what the dashboard needs of each site file: its name, zone and departments
// (CONTRACT §2: departments are the site's own, so filters and labels come from here).
import type { DepartmentId } from './site-config';

export interface DepartmentDto {
  id: DepartmentId;
  /** The site file's own name (秩序维护部, 工程部 …). */
  name: string;
  sla: { acceptMin: number; resolveMin: number };
}

export interface SiteDto {
  id: string;
  name: string;
  timezone: string;
  /** In the site file's order. */
  departments: DepartmentDto[];
  /** Alert type → department, as the site file maps §4's defaults (absent types: §4's default). */
  routing: Partial<Record<string, DepartmentId>>;
  /** The site file's `plan:`, when it has one. */
  plan?: SitePlanDto;
  /** Every device with its place on the plan, in the site file's order by kind. */
  places?: SitePlaceDto[];
}

/** A device on the site plan (issue 12 point 6); x/y absent when the site file does not place it. */
export interface SitePlaceDto {
  kind: 'checkpoint' | 'gate' | 'dispenser' | 'sensor';
  id: string;
  name: string;
  x?: number;
  y?: number;
}

/** The site plan: its image (same session) and the coordinate space x/y are in. */
export interface SitePlanDto {
  url: string;
  width: number;
  height: number;
}
