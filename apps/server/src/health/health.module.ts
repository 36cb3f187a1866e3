import { Module } from '@nestjs/common';
import { BrokerModule } from '../broker/broker.module';
import { IngestModule } from '../ingest/ingest.module';
import { HealthController } from './health.controller';

@Module({
  imports: [BrokerModule, IngestModule],
  controllers: [HealthController],
})
export class HealthModule {}
