// CONTRACT §6 — HTTP bodies (validated) and response objects (typed), shared by server and dashboard.
import { z } from 'zod';
import type { AlertStatus, AlertType } from './alerts';
import { HistoryQueryFields } from './history';
import type { DeviceKind } from './topics';
import type { Severity } from './site-config';

import { ROLES } from './web-constants';
export { ROLES };
export type Role = (typeof ROLES)[number];
/**
 * The control room's roles, in rank order (operator < supervisor < admin). `guard` (巡更员) stands
 * apart: the phone page only, tied to one patrol guard of a site file (CONTRACT §6).
 */
export const STAFF_ROLES = ['operator', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{2,32}$/;

export const LoginBodySchema = z.object({
  username: z.string().min(1, 'username is required').max(64),
  password: z.string().min(1, 'password is required').max(256),
});
export type LoginBody = z.infer<typeof LoginBodySchema>;

export const CreateUserBodySchema = z
  .object({
    username: z.string().regex(USERNAME_PATTERN, 'username: 2–32 of letters, digits, _ . -'),
    password: z.string().min(8, 'password must be at least 8 characters').max(256),
    role: z.enum(ROLES),
    /** role `guard`: the site file's guard this account is (`guards[].id`); one account per guard. */
    guardId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'guardId: a guard id of the site file').optional(),
    /** role `guard`: the guard's site; needed only when the server runs more than one site. */
    siteId: z.string().max(32).optional(),
  })
  .refine((b) => b.role !== 'guard' || b.guardId !== undefined, { message: 'a guard account needs guardId: the guard of the site file it belongs to', path: ['guardId'] })
  .refine((b) => b.role === 'guard' || (b.guardId === undefined && b.siteId === undefined), { message: 'guardId and siteId are for role guard only', path: ['guardId'] });
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

/** PATCH /api/users/{username} (admin): a new role. */
export const ChangeRoleBodySchema = z.object({ role: z.enum(STAFF_ROLES) });
export type ChangeRoleBody = z.infer<typeof ChangeRoleBodySchema>;

/** POST /api/users/{username}/password (admin): a new password, same rules as a new user's. */
export const ResetPasswordBodySchema = z.object({ password: z.string().min(8, 'password must be at least 8 characters').max(256) });
export type ResetPasswordBody = z.infer<typeof ResetPasswordBodySchema>;

/** GET /api/users/accounts (admin, issue 12.7): the users screen's rows. */
export interface UserAccountDto {
  username: string;
  role: Role;
  /** Disabled: cannot sign in, tokens refused; kept for the audit log. */
  disabled: boolean;
  createdAt: string;
  createdBy?: string;
}

export const AckBodySchema = z.object({ note: z.string().max(1000).optional() });
export type AckBody = z.infer<typeof AckBodySchema>;

/** POST /api/alerts/ack: acknowledge several at once (issue 12.4). */
export const AckManyBodySchema = z.object({
  ids: z.array(z.uuid('each id must be an alert id (a UUID)')).min(1, 'give at least one alert id').max(200, 'at most 200 alerts at once'),
  note: z.string().max(1000).optional(),
});
export type AckManyBody = z.infer<typeof AckManyBodySchema>;

/** What POST /api/alerts/ack did: the alerts it acknowledged, and why it skipped the others. */
export interface AckManyResult {
  acknowledged: AlertDto[];
  skipped: { id: string; reason: string }[];
}

/** The longest snooze: one 12-hour shift. */
export const MAX_SNOOZE_MINUTES = 720;

/** POST /api/alerts/{id}/snooze: quiet its reminder for a while, with a reason for its timeline. */
export const SnoozeBodySchema = z.object({
  minutes: z.number().int('whole minutes').min(1, 'at least 1 minute').max(MAX_SNOOZE_MINUTES, `at most ${MAX_SNOOZE_MINUTES} minutes (one shift)`),
  reason: z.string().trim().min(1, 'say why it may wait').max(500),
});
export type SnoozeBody = z.infer<typeof SnoozeBodySchema>;

/** An entry of an alert's own timeline (acknowledge and clear have their own fields). */
export interface AlertEventDto {
  at: string;
  by: string;
  action: 'snooze';
  until: string;
  note: string;
}

export const ClearBodySchema = z.object({ note: z.string().max(1000).optional() });
export type ClearBody = z.infer<typeof ClearBodySchema>;

export const AlertQuerySchema = z.object({
  status: z.enum(['active', 'acknowledged', 'cleared', 'open']).optional(),
  type: z.string().max(64).optional(),
  siteId: z.string().max(32).optional(),
  subject: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  ...HistoryQueryFields,
});
export type AlertQuery = z.infer<typeof AlertQuerySchema>;

export interface UserDto {
  username: string;
  role: Role;
  /** role `guard`: which patrol guard of which site the account is. */
  guard?: { siteId: string; guardId: string };
}

export interface LoginResponse {
  token: string;
  user: UserDto;
}

export interface HealthDto {
  status: 'ok' | 'degraded';
  mqtt: 'up' | 'down';
  db: 'up' | 'down';
  /** How long the oldest stored message has waited for a handler (0 when every handler is caught up). */
  lagMs: number;
  /** Each handler of the message path: applied against stored, errors, failures. */
  handlers: HandlerHealthDto[];
}

export interface HandlerHealthDto {
  name: string;
  /** Messages of its kinds stored so far, and how many of them it has applied. */
  stored: number;
  applied: number;
  /** Every message of its kinds up to this seq is applied. */
  appliedSeq: number;
  /** Arrival time of the oldest message it has not applied yet. */
  oldestPendingAt?: string;
  lagMs: number;
  /** Batches that threw (retried). */
  errors: number;
  /** Messages that failed every retry, recorded in handler_failures: a person must look. */
  failed: number;
  /** Messages applied ahead of the backlog by the urgent lane (alarms). */
  urgent: number;
  lastError?: string;
}

export interface AlertDto {
  id: string;
  type: AlertType;
  severity: Severity;
  status: AlertStatus;
  siteId: string;
  /** The site's IANA time zone (its file's `site.timezone`): screens show this row's times on the site's clock (issue 10 point 2). */
  timezone: string;
  subject: string;
  message: string;
  count: number;
  raisedAt: string;
  lastSeenAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  ackNote?: string;
  clearedAt?: string;
  clearedBy?: string;
  workOrderId?: string;
  /** Until when someone snoozed its reminder (issue 12.4); past values mean it sounds again. */
  snoozedUntil?: string;
  /** Snoozes, oldest first. */
  events?: AlertEventDto[];
  /** Facts behind the alert, for rules downstream and display (e.g. skewMs, roundId, reading). */
  details?: Record<string, unknown>;
  /**
   * Live events only: an alarm announced ahead of its commit (issue 9.4) that no stored alert
   * confirmed (its message was a repeat, or was not stored); screens drop the alert of this id.
   */
  withdrawn?: true;
}

export interface DeviceDto {
  siteId: string;
  /** The site's IANA time zone (its file's `site.timezone`): screens show this row's times on the site's clock (issue 10 point 2). */
  timezone: string;
  id: string;
  kind: DeviceKind;
  name: string;
  online: boolean;
  lastSeenAt?: string;
  /** Last accepted payload per stream (status, telemetry, event). */
  lastValues: Record<string, unknown>;
  fw?: string;
  battery?: number;
  rssi?: number;
  clockSkewMs?: number;
  rejectedCount: number;
  lastRejectReason?: string;
  lastRejectedAt?: string;
}
