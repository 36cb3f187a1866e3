// Issue 5.4 — stored telemetry: GET /api/telemetry, raw or downsampled.
import { z } from 'zod';
import { METRIC_NAME_PATTERN } from './payloads';
import { DEVICE_ID_PATTERN, SITE_ID_PATTERN } from './topics';

/** Raw answers carry at most this many points per series (the earliest ones); `truncated` says when more exist. */
export const TELEMETRY_MAX_RAW_POINTS = 10_000;
/** A downsampled series has at most this many buckets: range ÷ step is checked before any query. */
export const TELEMETRY_MAX_BUCKETS = 10_000;
export const TELEMETRY_MAX_RANGE_DAYS = 31;
/** from/to both absent: the last hour. */
export const TELEMETRY_DEFAULT_RANGE_MS = 3600_000;

/**
 * The gate barrier (CONTRACT §1 gate/telemetry) stored as a number, so it has avg/min/max like any
 * other metric: 0 closed, 1 open, 2 fault. A bucket with max = 2 saw a fault; avg of a bucket
 * that saw only open/closed is the share of samples open.
 */
export const BARRIER_VALUES = { closed: 0, open: 1, fault: 2 } as const;

const STEP_UNITS_MS = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 } as const;
const STEP_PATTERN = /^([1-9][0-9]{0,4})(s|m|h|d)$/;
const MAX_STEP_MS = 31 * 86_400_000;

/** Milliseconds of a step such as 10s, 1m, 5m, 1h, 1d; undefined when it is not one. */
export function stepMs(step: string): number | undefined {
  const m = STEP_PATTERN.exec(step);
  if (!m) return undefined;
  return Number(m[1]) * STEP_UNITS_MS[m[2] as keyof typeof STEP_UNITS_MS];
}

const isoDateTime = z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time with Z or an offset, e.g. 2026-11-27T08:00:00+08:00' });

/**
 * GET /api/telemetry. `device` is required; `site` only when that device id exists at several
 * sites. `metric` absent: every metric of the device. `from` inclusive, `to` exclusive; default the
 * hour up to now (one of them given: the hour after `from` or before `to`); at most 31 days.
 * `step` absent: raw points; else buckets of that length with avg/min/max/count.
 */
export const TelemetryQuerySchema = z.object({
  device: z.string().regex(DEVICE_ID_PATTERN, 'a device id ([A-Za-z0-9][A-Za-z0-9_-]{0,63})'),
  site: z.string().regex(SITE_ID_PATTERN, 'a site id ([a-z0-9][a-z0-9-]{0,31})').optional(),
  metric: z.string().regex(METRIC_NAME_PATTERN, 'a metric name ([a-z][a-z0-9_]{0,31})').optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  step: z
    .string()
    .refine((s) => stepMs(s) !== undefined, 'a duration such as 10s, 1m, 5m, 1h or 1d (a whole number, then s, m, h or d)')
    .refine((s) => (stepMs(s) ?? 0) <= MAX_STEP_MS, 'at most 31d')
    .optional(),
});
export type TelemetryQuery = z.infer<typeof TelemetryQuerySchema>;

/** A raw reading: device time, value (booleans 0/1, barrier per BARRIER_VALUES). */
export interface TelemetryPointDto {
  t: string;
  v: number;
}

/** A bucket [t, t + step): `t` is its start. Buckets are aligned to site-local midnight of 2000-01-01, not to `from`, so the first and last may cover only part of the range (see count). */
export interface TelemetryBucketDto {
  t: string;
  avg: number;
  min: number;
  max: number;
  count: number;
}

export interface TelemetrySeriesDto<P = TelemetryPointDto | TelemetryBucketDto> {
  metric: string;
  points: P[];
  /** Raw only: more points exist in the range than TELEMETRY_MAX_RAW_POINTS. */
  truncated: boolean;
}

export interface TelemetryDto {
  device: string;
  site: string;
  /** The range answered, ISO; `from` inclusive, `to` exclusive. */
  from: string;
  to: string;
  /** null: raw points. */
  step: string | null;
  /** One per metric with points in the range, by metric name; points in time order. */
  series: TelemetrySeriesDto[];
  /** Some series was cut at `maxPoints`; ask with a `step` or a shorter range for all of it. */
  truncated: boolean;
  /** The raw cap per series (TELEMETRY_MAX_RAW_POINTS). */
  maxPoints: number;
}
