import { Module } from '@nestjs/common';
import { ClockModule } from '../common/clock.module';
import { DatabaseModule } from '../db/database.module';
import { SiteConfigModule } from '../sites/site-config.module';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

/** Reads the alert and work-order tables. */
@Module({
  imports: [DatabaseModule, ClockModule, SiteConfigModule],
  controllers: [ReportsController],
  providers: [ReportsRepository, ReportsService],
})
export class ReportsModule {}
