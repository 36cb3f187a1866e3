import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AlertsModule } from '../alerts/alerts.module';
import { ClockModule } from '../common/clock.module';
import { DatabaseModule } from '../db/database.module';
import { SiteConfigModule } from '../sites/site-config.module';
import { AlertWorkOrders } from './alert-work-orders';
import { WorkOrdersController } from './work-orders.controller';
import { WorkOrdersRepository } from './work-orders.repository';
import { WorkOrdersService } from './work-orders.service';

/** SitesService gives departments, SLAs, routes, sensors and time zones. */
@Module({
  imports: [AuditModule, DatabaseModule, ClockModule, SiteConfigModule, AlertsModule],
  controllers: [WorkOrdersController],
  providers: [WorkOrdersRepository, WorkOrdersService, AlertWorkOrders],
  exports: [WorkOrdersService, AlertWorkOrders],
})
export class WorkOrdersModule {}
