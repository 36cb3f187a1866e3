import { Module } from '@nestjs/common';
import { ClockModule } from '../common/clock.module';
import { DatabaseModule } from '../db/database.module';
import { SiteConfigModule } from '../sites/site-config.module';
import { WorkOrdersModule } from '../work-orders/work-orders.module';
import { FindingsController } from './findings.controller';
import { FindingsRepository } from './findings.repository';
import { FindingsService } from './findings.service';

/** Guards' findings (issue 12 point 8): inspection work orders with photos. */
@Module({
  imports: [DatabaseModule, ClockModule, SiteConfigModule, WorkOrdersModule],
  controllers: [FindingsController],
  providers: [FindingsRepository, FindingsService],
})
export class FindingsModule {}
