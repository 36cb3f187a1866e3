// GET /api/consumables/dispensers: a dispenser's level, how fast it empties and its open alert.
import type { AlertType } from './alerts';
import type { Severity } from './site-config';

export interface DispenserDto {
  siteId: string;
  /** The site's IANA time zone (its file's `site.timezone`): screens show this row's times on the site's clock (issue 10 point 2). */
  timezone: string;
  id: string;
  name: string;
  consumable: string;
  lowPct: number;
  emptyPct: number;
  /** Last level reported (% remaining); null before the first telemetry. */
  level: number | null;
  levelAt?: string;
  battery?: number;
  /** % per hour from recent drops, refills ignored; absent with too little data. */
  ratePctPerHour?: number;
  expectedEmptyAt?: string;
  lastRefillAt?: string;
  /** dispenser.empty if open, else dispenser.low if open. */
  openAlert?: { id: string; type: AlertType; severity: Severity; raisedAt: string; workOrderId?: string };
  /**
   * The last message applied to this dispenser (its ingest seq, which only grows): a screen keeps the
   * dispenser with the higher revision, so a late HTTP answer never overwrites a newer live
   * `dispenser` push (issue 10 point 5). 0 before its first message.
   */
  revision: number;
}
