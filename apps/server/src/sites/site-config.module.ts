import { Module } from '@nestjs/common';
import { CORE_DEPS, type CoreDeps } from '../core/core.module';
import { DatabaseModule } from '../db/database.module';
import { SITE_CONFIGS, SitesService } from './sites.service';

/**
 * SitesService: the site files in force, for every module that reads devices, departments, rules
 * or time zones. One instance per app (a reload replaces the files for all its readers).
 * SITE_CONFIGS is the files as start-up read them.
 */
@Module({
  imports: [DatabaseModule],
  providers: [{ provide: SITE_CONFIGS, inject: [CORE_DEPS], useFactory: (deps: CoreDeps) => deps.sites }, SitesService],
  exports: [SITE_CONFIGS, SitesService],
})
export class SiteConfigModule {}
