import { Module } from '@nestjs/common';
import { BrokerModule } from '../broker/broker.module';
import { HealthController } from './health.controller';

@Module({
  imports: [BrokerModule],
  controllers: [HealthController],
})
export class HealthModule {}
