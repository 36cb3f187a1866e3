import { Module } from '@nestjs/common';
import { CORE_DEPS, type CoreDeps } from '../core/core.module';
import { DATABASE } from './database';

/** DATABASE: the database start-up opened (PGlite or PostgreSQL); start-up also closes it. */
@Module({
  providers: [{ provide: DATABASE, inject: [CORE_DEPS], useFactory: (deps: CoreDeps) => deps.db }],
  exports: [DATABASE],
})
export class DatabaseModule {}
