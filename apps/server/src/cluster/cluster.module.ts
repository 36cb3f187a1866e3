import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { BrokerModule } from '../broker/broker.module';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../db/database.module';
import { IngestModule } from '../ingest/ingest.module';
import { ClusterService } from './cluster.service';

/** Several servers on one broker and one database: who consumes, handles and sweeps what (README.md). */
@Module({
  imports: [ConfigModule, DatabaseModule, AlertsModule, BrokerModule, IngestModule],
  providers: [ClusterService],
  exports: [ClusterService],
})
export class ClusterModule {}
