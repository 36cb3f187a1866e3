import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { DatabaseModule } from '../db/database.module';
import { SiteConfigModule } from '../sites/site-config.module';
import { ConsumablesController } from './consumables.controller';
import { ConsumablesRepository } from './consumables.repository';
import { ConsumablesService } from './consumables.service';

/** Dispenser levels and their alerts. Bootstrap registers ConsumablesService with ingest. */
@Module({
  imports: [DatabaseModule, SiteConfigModule, AlertsModule],
  controllers: [ConsumablesController],
  providers: [ConsumablesRepository, ConsumablesService],
  exports: [ConsumablesService],
})
export class ConsumablesModule {}
