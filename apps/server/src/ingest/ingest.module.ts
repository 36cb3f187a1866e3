import { Module } from '@nestjs/common';
import { IngestRepository } from './ingest.repository';
import { IngestService } from './ingest.service';

/**
 * Device messages in: validation, durable dedup, grouped commits, and hand-off to the domain.
 * Needs the global CoreModule (DATABASE, CLOCK, SitesService). Domain modules inject
 * IngestService and call register(handler) in their constructor or onModuleInit.
 */
@Module({
  providers: [IngestRepository, IngestService],
  exports: [IngestService],
})
export class IngestModule {}
