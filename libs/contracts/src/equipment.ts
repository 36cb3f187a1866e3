// GET /api/equipment: sensors with their last readings and where each limit stands.
import type { DepartmentId, Severity } from './site-config';

export interface SensorLimitStateDto {
  metric: string;
  min?: number;
  max?: number;
  equals?: boolean | number;
  forSec: number;
  hysteresis: number;
  severity: Severity;
  /** ok: in range; pending: out of range, forSec not yet over; raised: sensor.threshold open. */
  status: 'ok' | 'pending' | 'raised';
  outSince?: string;
  lastValue?: number | boolean;
  lastAt?: string;
}

export interface SensorDto {
  siteId: string;
  /** The site's IANA time zone (its file's `site.timezone`): screens show this row's times on the site's clock (issue 10 point 2). */
  timezone: string;
  id: string;
  name: string;
  department: DepartmentId;
  readings: Record<string, number | boolean>;
  readingsAt?: string;
  limits: SensorLimitStateDto[];
  /** Fault codes the sensor reported and has not cleared. */
  faults: string[];
  /**
   * The last message applied to this sensor (its ingest seq, which only grows; readings, faults and
   * limit states change only with one): a screen keeps the sensor with the higher revision, so a late
   * HTTP answer never overwrites a newer live `sensor` push (issue 10 point 5). 0 before its first message.
   */
  revision: number;
}
