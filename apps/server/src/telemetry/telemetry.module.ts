import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { InfluxSinkService } from './influx-sink.service';
import { TelemetryController } from './telemetry.controller';
import { TelemetryRepository } from './telemetry.repository';
import { TelemetryService } from './telemetry.service';

/**
 * Stored readings (issue 5.4): rows are written by ingest in its grouped commit
 * (telemetry-points.ts says which); this module reads them (GET /api/telemetry) and, with
 * INFLUX_URL set, also sends them to InfluxDB.
 */
@Module({
  imports: [IngestModule],
  controllers: [TelemetryController],
  providers: [TelemetryRepository, TelemetryService, InfluxSinkService],
  exports: [TelemetryService, InfluxSinkService],
})
export class TelemetryModule {}
