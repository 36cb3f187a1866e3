import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { SiteConfig } from '@estate-watch/contracts';
import type { Clock } from '../common/clock';
import type { Env } from '../config/env';
import type { Database } from '../db/database';

/** What start-up made before Nest: the validated env, the open database, the clock and the site files as read. */
export interface CoreDeps {
  env: Env;
  db: Database;
  clock: Clock;
  sites: SiteConfig[];
}

/** Injected only by ConfigModule, DatabaseModule, ClockModule and SiteConfigModule, which hand its parts on. */
export const CORE_DEPS = Symbol('CORE_DEPS');

/**
 * The one global module, and it holds values, not services. Nest finds a token only in a module's
 * own providers, its imports, or a global module; values made per app before Nest runs (a test's
 * PGlite, its ManualClock) can reach the static modules that provide them only this way (as
 * TypeORM's core module does). Feature modules import what they use — ConfigModule (ENV and the
 * typed options), DatabaseModule, ClockModule, SiteConfigModule (SitesService) — never this.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: CoreDeps): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: CORE_DEPS, useValue: deps }],
      exports: [CORE_DEPS],
    };
  }
}
