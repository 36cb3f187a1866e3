import { Inject, Injectable } from '@nestjs/common';
import { siteDevices, type DeviceKind, type SiteConfig } from '@estate-watch/contracts';
import { DATABASE, type Database } from '../db/database';

export interface SiteDevice {
  siteId: string;
  id: string;
  kind: DeviceKind;
  name: string;
  secret: string;
}

export const SITE_CONFIGS = Symbol('SITE_CONFIGS');

/** The loaded site files: who the devices are, their secrets and the rules' parameters. */
@Injectable()
export class SitesService {
  private readonly sites = new Map<string, SiteConfig>();
  private readonly devices = new Map<string, SiteDevice>();

  constructor(
    @Inject(SITE_CONFIGS) configs: SiteConfig[],
    @Inject(DATABASE) private readonly db: Database,
  ) {
    for (const config of configs) {
      this.sites.set(config.site.id, config);
      for (const d of siteDevices(config)) {
        this.devices.set(key(config.site.id, d.id), { siteId: config.site.id, ...d });
      }
    }
  }

  all(): SiteConfig[] {
    return [...this.sites.values()];
  }

  site(siteId: string): SiteConfig | undefined {
    return this.sites.get(siteId);
  }

  device(siteId: string, deviceId: string): SiteDevice | undefined {
    return this.devices.get(key(siteId, deviceId));
  }

  allDevices(): SiteDevice[] {
    return [...this.devices.values()];
  }

  /** Writes sites and devices into the database so queries can join them; devices no longer configured are retired. */
  async syncToDatabase(): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const cfg of this.sites.values()) {
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
