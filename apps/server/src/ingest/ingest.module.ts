import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HandlerRegistry } from './handler-registry';
import { IngestRepository } from './ingest.repository';
import { IngestService } from './ingest.service';

/**
 * Device messages in: validation, durable dedup, grouped commits, and hand-off to the domain.
 * Needs the global CoreModule (DATABASE, CLOCK, SitesService). Domain handlers are classes marked
 * @IngestHandler(); HandlerRegistry finds and registers them (order: handler-registry.ts).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [IngestRepository, IngestService, HandlerRegistry],
  exports: [IngestService, IngestRepository],
})
export class IngestModule {}
