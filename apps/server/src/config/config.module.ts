import { Module } from '@nestjs/common';
import { CORE_DEPS, type CoreDeps } from '../core/core.module';
import { DATABASE, type Database } from '../db/database';
import { DatabaseModule } from '../db/database.module';
import { ENV, type Env } from './env';
import { CLUSTER_MODE, clusterMode, GATE_COMMAND_OPTIONS, gateCommandOptions, type ClusterMode } from './service-options';

/** ENV (validated once, config/env.ts) and the typed settings derived from it (service-options.ts). */
@Module({
  imports: [DatabaseModule],
  providers: [
    { provide: ENV, inject: [CORE_DEPS], useFactory: (deps: CoreDeps) => deps.env },
    { provide: CLUSTER_MODE, inject: [ENV, DATABASE], useFactory: (env: Env, db: Database) => clusterMode(env, db) },
    { provide: GATE_COMMAND_OPTIONS, inject: [ENV, CLUSTER_MODE], useFactory: (env: Env, cluster: ClusterMode) => gateCommandOptions(env, cluster) },
  ],
  exports: [ENV, CLUSTER_MODE, GATE_COMMAND_OPTIONS],
})
export class ConfigModule {}
