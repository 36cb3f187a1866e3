import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { GuardTapsRepository } from './guard-taps.repository';
import { GuardTodayService } from './guard-today.service';
import { GuardController } from './guard.controller';
import { PatrolController } from './patrol.controller';
import { PatrolRepository } from './patrol.repository';
import { PatrolService } from './patrol.service';

/** Needs SitesService and the clock (CoreModule, global). Registered with ingest and swept by bootstrap. */
@Module({
  imports: [AlertsModule],
  controllers: [PatrolController, GuardController],
  providers: [PatrolRepository, PatrolService, GuardTapsRepository, GuardTodayService],
  exports: [PatrolService],
})
export class PatrolModule {}
