// CONTRACT §5 — the work-order vocabulary as plain constants, with no imports, so a browser
// bundle can take the lists without zod (work-orders.ts, which validates bodies, re-exports them).
export const WORK_ORDER_SOURCES = ['alert', 'patrol', 'complaint', 'inspection'] as const;
export type WorkOrderSourceId = (typeof WORK_ORDER_SOURCES)[number];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const CHANNELS = ['phone', 'walk_in', 'letter', 'staff'] as const;
export type Channel = (typeof CHANNELS)[number];
export const WORK_ORDER_STATUS_IDS = ['new', 'dispatched', 'accepted', 'in_progress', 'resolved', 'verified', 'closed', 'reopened'] as const;
export type WorkOrderStatusId = (typeof WORK_ORDER_STATUS_IDS)[number];
export const WORK_ORDER_ACTION_IDS = ['dispatch', 'accept', 'start', 'resolve', 'verify', 'reopen', 'close', 'comment'] as const;
export type WorkOrderActionId = (typeof WORK_ORDER_ACTION_IDS)[number];
/**
 * How a verified order was verified (issue 12.5: two states, not one 已回访): its device confirmed
 * the condition cleared (the system's `verify` entry), or a person did (a complaint's callback).
 */
export const VERIFIED_BY = ['device', 'callback'] as const;
export type VerifiedBy = (typeof VERIFIED_BY)[number];

/** A complaint needs its callback (回访) within this long after it was resolved (§5). */
export const CALLBACK_DUE_MS = 3 * 24 * 3600_000;
