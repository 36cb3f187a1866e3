import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { AlertWorkOrders } from './alert-work-orders';
import { WorkOrdersController } from './work-orders.controller';
import { WorkOrdersRepository } from './work-orders.repository';
import { WorkOrdersService } from './work-orders.service';

/** Needs SitesService (CoreModule, global) for departments, SLAs, routes, sensors and time zones. */
@Module({
  imports: [AlertsModule],
  controllers: [WorkOrdersController],
  providers: [WorkOrdersRepository, WorkOrdersService, AlertWorkOrders],
  exports: [WorkOrdersService, AlertWorkOrders],
})
export class WorkOrdersModule {}
