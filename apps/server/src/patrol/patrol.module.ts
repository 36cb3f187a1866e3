import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { ClockModule } from '../common/clock.module';
import { DatabaseModule } from '../db/database.module';
import { SiteConfigModule } from '../sites/site-config.module';
import { GuardTapsRepository } from './guard-taps.repository';
import { GuardTodayService } from './guard-today.service';
import { GuardController } from './guard.controller';
import { PatrolController } from './patrol.controller';
import { PatrolRepository } from './patrol.repository';
import { PatrolService } from './patrol.service';

/** Registered with ingest and swept by bootstrap. */
@Module({
  imports: [DatabaseModule, ClockModule, SiteConfigModule, AlertsModule],
  controllers: [PatrolController, GuardController],
  providers: [PatrolRepository, PatrolService, GuardTapsRepository, GuardTodayService],
  exports: [PatrolService],
})
export class PatrolModule {}
