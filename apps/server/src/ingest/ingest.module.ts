import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ClockModule } from '../common/clock.module';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../db/database.module';
import { SiteConfigModule } from '../sites/site-config.module';
import { HandlerRegistry } from './handler-registry';
import { IngestRepository } from './ingest.repository';
import { IngestService } from './ingest.service';

/**
 * Device messages in: validation, durable dedup, grouped commits, and hand-off to the domain.
 * Domain handlers are classes marked @IngestHandler(); HandlerRegistry finds and registers them
 * (order: handler-registry.ts).
 */
@Module({
  imports: [ConfigModule, DatabaseModule, ClockModule, SiteConfigModule, DiscoveryModule],
  providers: [IngestRepository, IngestService, HandlerRegistry],
  exports: [IngestService, IngestRepository],
})
export class IngestModule {}
