import { Inject, Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import { siteDevices, type DeviceCredential, type DeviceKind, type SiteConfig } from '@estate-watch/contracts';
import { DATABASE, type Database, type Queryable } from '../db/database';
import { diffSites, type SitesDiff } from './site-diff';

export type SiteDevice = {
  siteId: string;
  id: string;
  kind: DeviceKind;
  name: string;
} & DeviceCredential;

/** Past-tense: the site files were reloaded and these are now in force (issue 13 point 5). */
export interface SitesReplaced {
  diff: SitesDiff;
  revision: number;
}

export const SITE_CONFIGS = Symbol('SITE_CONFIGS');

/** The loaded site files: who the devices are, their secrets and the rules' parameters. */
@Injectable()
export class SitesService {
  /**
   * Readers call site()/device() per message and keep nothing: a reload swaps both maps at once,
   * so a message is judged wholly by the old files or wholly by the new ones. A reader that does
   * keep something derived (EquipmentService's sensor index, PatrolService's planned dates)
   * follows `replaced$`.
   */
  readonly replaced$ = new Subject<SitesReplaced>();
  private sites = new Map<string, SiteConfig>();
  private devices = new Map<string, SiteDevice>();
  /**
   * Every site's zone this server has known, kept when a reload drops the site: its alerts, orders
   * and rounds stay in the database and are still shown on its clock (issue 10 point 2).
   */
  private readonly zones = new Map<string, string>();
  private currentRevision = 0;

  constructor(
    @Inject(SITE_CONFIGS) configs: SiteConfig[],
    @Inject(DATABASE) private readonly db: Database,
  ) {
    this.install(configs);
  }

  /** Counts reloads: 0 as started. */
  get revision(): number {
    return this.currentRevision;
  }

  /**
   * Puts validated site configs in force at once and tells the followers what changed. The
   * caller (SiteReloadService) has checked them and written them to the database first.
   */
  replace(configs: readonly SiteConfig[]): SitesReplaced {
    const diff = diffSites(this.all(), configs);
    this.install(configs);
    this.currentRevision += 1;
    const replaced = { diff, revision: this.currentRevision };
    this.replaced$.next(replaced);
    return replaced;
  }

  private install(configs: readonly SiteConfig[]): void {
    const sites = new Map<string, SiteConfig>();
    const devices = new Map<string, SiteDevice>();
    for (const config of configs) {
      sites.set(config.site.id, config);
      this.zones.set(config.site.id, config.site.timezone);
      for (const d of siteDevices(config)) devices.set(key(config.site.id, d.id), { siteId: config.site.id, ...d });
    }
    this.sites = sites;
    this.devices = devices;
  }

  all(): SiteConfig[] {
    return [...this.sites.values()];
  }

  site(siteId: string): SiteConfig | undefined {
    return this.sites.get(siteId);
  }

  /**
   * The IANA zone of a site's file, which every DTO carries so a screen shows the site's clock
   * whatever zone it runs in (issue 10 point 2). A site no longer configured keeps the zone it had
   * (this process's reloads, else the sites table read at start-up); one this server never knew
   * reads as UTC rather than as some other site's zone.
   */
  timezoneOf(siteId: string): string {
    return this.zones.get(siteId) ?? 'UTC';
  }

  device(siteId: string, deviceId: string): SiteDevice | undefined {
    return this.devices.get(key(siteId, deviceId));
  }

  allDevices(): SiteDevice[] {
    return [...this.devices.values()];
  }

  /**
   * Writes sites and devices into the database so queries can join them; devices no longer
   * configured are retired. `configs`: those about to be put in force by a reload (default: the
   * current ones).
   */
  async syncToDatabase(configs: readonly SiteConfig[] = this.all()): Promise<void> {
    // Sites dropped from the files before this start: their rows are still shown on their clock.
    for (const row of await this.db.query<{ id: string; timezone: string }>('SELECT id, timezone FROM sites')) {
      if (!this.zones.has(row.id)) this.zones.set(row.id, row.timezone);
    }
    await this.db.transaction(async (tx: Queryable) => {
      for (const cfg of configs) {
        await tx.query(
          `INSERT INTO sites (id, name, timezone, heartbeat_sec, config, updated_at) VALUES ($1, $2, $3, $4, $5, now())
           ON CONFLICT (id) DO UPDATE SET name = $2, timezone = $3, heartbeat_sec = $4, config = $5, updated_at = now()`,
          [cfg.site.id, cfg.site.name, cfg.site.timezone, cfg.site.heartbeatSec, JSON.stringify(cfg)],
        );
        await tx.query('UPDATE devices SET retired = true WHERE site_id = $1', [cfg.site.id]);
        for (const d of siteDevices(cfg)) {
          await tx.query(
            `INSERT INTO devices (site_id, id, kind, name) VALUES ($1, $2, $3, $4)
             ON CONFLICT (site_id, id) DO UPDATE SET kind = $3, name = $4, retired = false`,
            [cfg.site.id, d.id, d.kind, d.name],
          );
        }
      }
    });
  }
}

function key(siteId: string, deviceId: string): string {
  return `${siteId}/${deviceId}`;
}
