import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { BrokerModule } from '../broker/broker.module';
import { IngestModule } from '../ingest/ingest.module';
import { ParkingModule } from '../parking/parking.module';
import { ClusterService } from './cluster.service';

/** Several servers on one broker and one database: who consumes, handles and sweeps what (README.md). */
@Module({
  imports: [AlertsModule, BrokerModule, IngestModule, ParkingModule],
  providers: [ClusterService],
  exports: [ClusterService],
})
export class ClusterModule {}
