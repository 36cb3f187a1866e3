// CONTRACT §5 and §6 — work orders (派工单): bodies (validated) and the response object.
import { z } from 'zod';
import { HistoryQueryFields } from './history';
import type { SystemNoteKey } from './work-order-text';
import { DepartmentIdSchema, type DepartmentId } from './site-config';
import {
  CHANNELS,
  PRIORITIES,
  WORK_ORDER_SOURCES,
  WORK_ORDER_STATUS_IDS,
  type Channel,
  type Priority,
  type VerifiedBy,
  type WorkOrderActionId,
  type WorkOrderSourceId,
  type WorkOrderStatusId,
} from './work-order-constants';

// The vocabulary lives in a dependency-free module so the dashboard can import it without zod.
export * from './work-order-constants';

const text = (max: number) => z.string().trim().min(1).max(max);

export const ReporterSchema = z.object({
  name: text(50),
  room: text(50),
  phone: z.string().trim().regex(/^[0-9+\-() ]{3,20}$/, 'phone: 3–20 digits, spaces, + - ( )'),
});
export type Reporter = z.infer<typeof ReporterSchema>;

/** POST /api/work-orders: staff raise complaint and inspection orders; alert orders come from alerts. */
export const CreateWorkOrderBodySchema = z
  .object({
    source: z.enum(['complaint', 'inspection']),
    title: text(100),
    description: text(2000),
    department: DepartmentIdSchema.optional(),
    priority: z.enum(PRIORITIES).optional(),
    reporter: ReporterSchema.optional(),
    channel: z.enum(CHANNELS).optional(),
    /** Needed only when the server runs more than one site. */
    siteId: z.string().max(32).optional(),
  })
  .refine((b) => b.source !== 'complaint' || b.reporter !== undefined, { message: 'a complaint needs its reporter (name, room, phone)', path: ['reporter'] });
export type CreateWorkOrderBody = z.infer<typeof CreateWorkOrderBodySchema>;

const note = z.string().trim().max(2000).optional();

/** POST /api/work-orders/{id}/events */
export const WorkOrderEventBodySchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('dispatch'), department: DepartmentIdSchema, assignee: z.string().trim().max(50).optional(), note }),
  z.object({ action: z.literal('accept'), note }),
  z.object({ action: z.literal('start'), note }),
  z.object({ action: z.literal('resolve'), note }),
  z.object({ action: z.literal('verify'), note, satisfied: z.boolean().optional() }),
  z.object({ action: z.literal('reopen'), note, satisfied: z.boolean().optional() }),
  z.object({ action: z.literal('close'), note }),
  z.object({ action: z.literal('comment'), note: text(2000) }),
]);
export type WorkOrderEventBody = z.infer<typeof WorkOrderEventBodySchema>;

export const WorkOrderQuerySchema = z.object({
  status: z.enum([...WORK_ORDER_STATUS_IDS, 'open']).optional(),
  department: DepartmentIdSchema.optional(),
  source: z.enum(WORK_ORDER_SOURCES).optional(),
  escalated: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  siteId: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  ...HistoryQueryFields,
});
export type WorkOrderQuery = z.infer<typeof WorkOrderQuerySchema>;

export interface TimelineEntryDto {
  at: string;
  by: string;
  action: WorkOrderActionId | 'create' | 'escalate' | 'attach_alert' | 'priority' | 'callback_overdue';
  /** A person's words as typed; for the system's own entries, its zh-CN wording for API clients. */
  note?: string;
  /**
   * The system's entries (issue 12.2): the note in a language-neutral form, which screens compose in
   * their reader's language (systemNoteText in work-order-text.ts). Absent on people's entries.
   */
  noteKey?: SystemNoteKey;
  noteParams?: Record<string, unknown>;
  from?: WorkOrderStatusId;
  to?: WorkOrderStatusId;
  /** dispatch: where the order went. */
  department?: DepartmentId;
  assignee?: string;
}

export interface WorkOrderDto {
  id: string;
  /** Human-readable number for phone calls and paper: e.g. WO-20261127-0007. */
  number: string;
  siteId: string;
  /** The site's IANA time zone (its file's `site.timezone`): screens show this row's times on the site's clock (issue 10 point 2). */
  timezone: string;
  source: WorkOrderSourceId;
  status: WorkOrderStatusId;
  department: DepartmentId;
  assignee?: string;
  priority: Priority;
  title: string;
  description: string;
  reporter?: Reporter;
  channel?: Channel;
  escalated: boolean;
  escalatedAt?: string;
  /** When each deadline was missed and escalated (each at most once). */
  acceptEscalatedAt?: string;
  resolveEscalatedAt?: string;
  acceptBy: string;
  resolveBy: string;
  createdAt: string;
  createdBy: string;
  acceptedAt?: string;
  resolvedAt?: string;
  verifiedAt?: string;
  /**
   * Issue 12.5: who verified it, while it stays verified (closed too): `device` when the system's
   * verify entry did (its alert cleared), `callback` when a person did. Absent when not verified.
   */
  verifiedBy?: VerifiedBy;
  closedAt?: string;
  /** Complaints: when the callback is due (resolved + 3 days) and whether it is overdue. */
  callbackDueAt?: string;
  callbackOverdue: boolean;
  callbackSatisfied?: boolean;
  callbackAt?: string;
  /** Orders raised by alerts: what raised them (e.g. `device.offline:gate-1`, `replenish:soap-1`). */
  originKey?: string;
  alertIds: string[];
  /** What a person may do next (the dashboard's buttons; the same list a 409 answers with). */
  allowedActions: WorkOrderActionId[];
  timeline: TimelineEntryDto[];
}

/** The body of a 409 to POST /api/work-orders/{id}/events: the action does not apply to the current status. */
export interface WorkOrderConflictBody {
  statusCode: 409;
  message: string;
  status: WorkOrderStatusId;
  allowed: WorkOrderActionId[];
}
