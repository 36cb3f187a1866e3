import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { SiteReloadService } from './site-reload.service';
import { SitesController } from './sites.controller';

/**
 * GET /api/sites and POST /api/sites/reload; SitesService itself is provided by CoreModule
 * (global). SiteReloadService is exported for the SIGHUP handler (bootstrap.ts).
 */
@Module({ imports: [AuditModule], controllers: [SitesController], providers: [SiteReloadService], exports: [SiteReloadService] })
export class SitesModule {}
