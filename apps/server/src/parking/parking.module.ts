import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AlertsModule } from '../alerts/alerts.module';
import { BrokerModule } from '../broker/broker.module';
import { ClockModule } from '../common/clock.module';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../db/database.module';
import { SiteConfigModule } from '../sites/site-config.module';
import { GateCommandsRepository } from './gate-commands.repository';
import { GateCommandsService } from './gate-commands.service';
import { GatesController, ParkingController } from './parking.controller';
import { ParkingRepository } from './parking.repository';
import { ParkingService } from './parking.service';

/** Lots, barriers and remote gate commands. Bootstrap registers both services with ingest and runs the sweeps. */
@Module({
  imports: [AuditModule, ConfigModule, DatabaseModule, ClockModule, SiteConfigModule, AlertsModule, BrokerModule],
  controllers: [ParkingController, GatesController],
  providers: [ParkingRepository, ParkingService, GateCommandsRepository, GateCommandsService],
  exports: [ParkingService, GateCommandsService],
})
export class ParkingModule {}
