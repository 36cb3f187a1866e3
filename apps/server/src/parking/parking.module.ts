import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { BrokerModule } from '../broker/broker.module';
import { GateCommandsRepository } from './gate-commands.repository';
import { GateCommandsService } from './gate-commands.service';
import { GatesController, ParkingController } from './parking.controller';
import { ParkingRepository } from './parking.repository';
import { ParkingService } from './parking.service';

/** Lots, barriers and remote gate commands. Bootstrap registers both services with ingest and runs the sweeps. */
@Module({
  imports: [AlertsModule, BrokerModule],
  controllers: [ParkingController, GatesController],
  providers: [ParkingRepository, ParkingService, GateCommandsRepository, GateCommandsService],
  exports: [ParkingService, GateCommandsService],
})
export class ParkingModule {}
