import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ConfigModule } from '../config/config.module';
import { SiteConfigModule } from './site-config.module';
import { SiteReloadService } from './site-reload.service';
import { SitesController } from './sites.controller';

/**
 * GET /api/sites and POST /api/sites/reload; SitesService itself is SiteConfigModule's.
 * SiteReloadService is exported for the SIGHUP handler (bootstrap.ts).
 */
@Module({ imports: [ConfigModule, SiteConfigModule, AuditModule], controllers: [SitesController], providers: [SiteReloadService], exports: [SiteReloadService] })
export class SitesModule {}
