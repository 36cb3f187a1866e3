// Issue 8 point 9: what configuration the server started with, as an audit entry at every start.
// Settings only, never secrets: URLs say which service, not their credentials; the site files go
// in as a fingerprint, so a changed site file shows as a changed hash between two starts.
import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import type { SiteConfig } from '@estate-watch/contracts';
import { ENV, type Env } from '../config/env';
import { SITE_CONFIGS } from '../sites/sites.service';
import { AuditService } from './audit.service';

@Injectable()
export class ConfigAudit implements OnApplicationBootstrap {
  constructor(
    private readonly audit: AuditService,
    @Inject(ENV) private readonly env: Env,
    @Optional() @Inject(SITE_CONFIGS) private readonly sites?: SiteConfig[],
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.audit.record({ action: 'config.loaded', details: configSummary(this.env, this.sites ?? []) });
  }
}

export function configSummary(env: Env, sites: readonly SiteConfig[]): Record<string, unknown> {
  return {
    demo: env.demo,
    siteConfig: env.siteConfig ?? 'bundled demo site',
    sites: sites.map((s) => ({
      id: s.site.id,
      devices: s.checkpoints.length + s.gates.length + s.dispensers.length + s.sensors.length,
      sha256: createHash('sha256').update(JSON.stringify(s)).digest('hex'),
    })),
    simulator: env.simulator,
    mqtt: env.mqttUrl ? 'external broker' : `embedded broker on port ${env.mqttPort}`,
    database: env.databaseUrl ? 'PostgreSQL' : 'PGlite',
    influx: env.influxUrl !== undefined,
    jwtSecret: env.jwtSecret ? 'JWT_SECRET' : 'generated, kept in the database',
    trustProxy: env.trustProxy ?? false,
    allowedOrigins: env.allowedOrigins ?? [],
  };
}
