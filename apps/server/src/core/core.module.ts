import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { SiteConfig } from '@estate-watch/contracts';
import { CLOCK, type Clock } from '../common/clock';
import { ENV, type Env } from '../config/env';
import { DATABASE, type Database } from '../db/database';
import { SITE_CONFIGS, SitesService } from '../sites/sites.service';

export interface CoreDeps {
  env: Env;
  db: Database;
  clock: Clock;
  sites: SiteConfig[];
}

/** What every module may inject: the validated env, the database, the clock and the site files. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: CoreDeps): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: ENV, useValue: deps.env },
        { provide: DATABASE, useValue: deps.db },
        { provide: CLOCK, useValue: deps.clock },
        { provide: SITE_CONFIGS, useValue: deps.sites },
        SitesService,
      ],
      exports: [ENV, DATABASE, CLOCK, SITE_CONFIGS, SitesService],
    };
  }
}
