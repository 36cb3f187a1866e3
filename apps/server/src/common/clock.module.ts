import { Module } from '@nestjs/common';
import { CORE_DEPS, type CoreDeps } from '../core/core.module';
import { CLOCK } from './clock';

/** CLOCK: the system clock, or the ManualClock a test moves. */
@Module({
  providers: [{ provide: CLOCK, inject: [CORE_DEPS], useFactory: (deps: CoreDeps) => deps.clock }],
  exports: [CLOCK],
})
export class ClockModule {}
