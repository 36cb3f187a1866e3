import { Module } from '@nestjs/common';
import { BrokerModule } from '../broker/broker.module';
import { ClusterModule } from '../cluster/cluster.module';
import { IngestModule } from '../ingest/ingest.module';
import { HealthController } from './health.controller';

@Module({
  imports: [BrokerModule, IngestModule, ClusterModule],
  controllers: [HealthController],
})
export class HealthModule {}
