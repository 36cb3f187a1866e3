import { Module } from '@nestjs/common';
import { WorkOrdersModule } from '../work-orders/work-orders.module';
import { FindingsController } from './findings.controller';
import { FindingsRepository } from './findings.repository';
import { FindingsService } from './findings.service';

/** Guards' findings (issue 12 point 8): inspection work orders with photos. Needs SitesService and the clock (CoreModule, global). */
@Module({
  imports: [WorkOrdersModule],
  controllers: [FindingsController],
  providers: [FindingsRepository, FindingsService],
})
export class FindingsModule {}
