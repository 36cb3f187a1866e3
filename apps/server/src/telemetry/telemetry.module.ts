import { Module } from '@nestjs/common';
import { ClockModule } from '../common/clock.module';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../db/database.module';
import { IngestModule } from '../ingest/ingest.module';
import { SiteConfigModule } from '../sites/site-config.module';
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
  imports: [ConfigModule, DatabaseModule, ClockModule, SiteConfigModule, IngestModule],
  controllers: [TelemetryController],
  providers: [TelemetryRepository, TelemetryService, InfluxSinkService],
  exports: [TelemetryService, InfluxSinkService],
})
export class TelemetryModule {}
