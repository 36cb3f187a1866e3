import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { DatabaseModule } from '../db/database.module';
import { SiteConfigModule } from '../sites/site-config.module';
import { EquipmentController } from './equipment.controller';
import { EquipmentRepository } from './equipment.repository';
import { EquipmentService } from './equipment.service';

/** Sensor limits and faults. Bootstrap registers EquipmentService with ingest. */
@Module({
  imports: [DatabaseModule, SiteConfigModule, AlertsModule],
  controllers: [EquipmentController],
  providers: [EquipmentRepository, EquipmentService],
  exports: [EquipmentService],
})
export class EquipmentModule {}
