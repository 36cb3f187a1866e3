// The guards' phone page (巡更员, issue 12 point 8): what `GET /api/guard/today` answers and what a
// finding reported at a checkpoint (`POST /api/guard/findings`) carries. CONTRACT §5: a finding is an
// `inspection` work order ("found on patrol").
import { z } from 'zod';
import type { DepartmentId } from './site-config';
import type { RoundDto } from './patrol';

/** What a guard can report; each goes to a department by the site's `routing` (`finding.<category>`) or the default below. */
import { FINDING_CATEGORIES, FINDING_MAX_PHOTOS } from './web-constants';
export { FINDING_CATEGORIES, FINDING_MAX_PHOTOS };
export type FindingCategory = (typeof FINDING_CATEGORIES)[number];

/**
 * Default department of each category, as CONTRACT §2's example names them. `other` goes to the
 * department of the route the checkpoint is on (the guard's own). A site routes a category to its own
 * department with `routing: { finding.facility: maintenance }`.
 */
export const FINDING_DEFAULT_DEPARTMENT: Readonly<Record<FindingCategory, DepartmentId | 'route'>> = {
  safety: 'security',
  fire: 'security',
  facility: 'engineering',
  cleaning: 'cleaning',
  parking: 'parking',
  other: 'route',
};

export const FINDING_ROUTING_KEYS = FINDING_CATEGORIES.map((c) => `finding.${c}` as const);

/** Photos: what a phone camera produces, a few per finding, each small enough for a mobile upload. */
export const FINDING_PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type FindingPhotoType = (typeof FINDING_PHOTO_TYPES)[number];
export const FINDING_MAX_PHOTO_BYTES = 8 * 1024 * 1024;

/** The text fields of `POST /api/guard/findings` (multipart/form-data; the photos are the `photos` parts). */
export const FindingFieldsSchema = z.object({
  text: z.string().trim().min(1, 'text: say what you found').max(2000),
  category: z.enum(FINDING_CATEGORIES, { message: `category: one of ${FINDING_CATEGORIES.join(', ')}` }),
  /** Where it was found: a checkpoint of the guard's site. */
  checkpointId: z.string().min(1, 'checkpointId: the checkpoint where it was found').max(64),
});
export type FindingFields = z.infer<typeof FindingFieldsSchema>;

export interface FindingCreatedDto {
  workOrderId: string;
  number: string;
  department: DepartmentId;
  /** The site file's name of that department (工程部 …). */
  departmentName: string;
  photos: number;
}

/** One photo stored with a work order (`GET /api/work-orders/{id}/photos`). */
export interface WorkOrderPhotoDto {
  id: string;
  workOrderId: string;
  contentType: FindingPhotoType;
  bytes: number;
  createdAt: string;
  createdBy: string;
  /** `GET` this (same session) for the image itself. */
  url: string;
}

/** A tap by the signed-in guard today, as the server placed it. */
export interface GuardTapDto {
  checkpointId: string;
  checkpointName: string;
  tappedAt: string;
  roundId?: string;
  routeName?: string;
  /** How the tap was judged in its round (CONTRACT §3); absent when no round took it. */
  outcome?: 'on_time' | 'early' | 'late';
  duplicate: boolean;
}

/** The next checkpoint the guard should tap: the earliest open or upcoming window of their rounds. */
export interface GuardNextCheckpointDto {
  roundId: string;
  routeName: string;
  checkpointId: string;
  name: string;
  plannedAt: string;
  windowStart: string;
  windowEnd: string;
  /** Its place in the route (1-based) and the route's length. */
  position: number;
  of: number;
}

/** `GET /api/guard/today`: everything the phone page shows. */
export interface GuardTodayDto {
  guard: { siteId: string; id: string; name: string };
  site: { id: string; name: string; timezone: string };
  /** Server time, so a phone with a wrong clock still counts down correctly. */
  now: string;
  localDate: string;
  rounds: RoundDto[];
  next: GuardNextCheckpointDto | null;
  taps: GuardTapDto[];
  /** Checkpoints of the site (id, name) for the finding form. */
  checkpoints: { id: string; name: string }[];
}
