import { Module } from '@nestjs/common';
import { BrokerModule } from '../broker/broker.module';
import { ClusterModule } from '../cluster/cluster.module';
import { ClockModule } from '../common/clock.module';
import { DatabaseModule } from '../db/database.module';
import { IngestModule } from '../ingest/ingest.module';
import { HealthController } from './health.controller';

@Module({
  imports: [DatabaseModule, ClockModule, BrokerModule, IngestModule, ClusterModule],
  controllers: [HealthController],
})
export class HealthModule {}
