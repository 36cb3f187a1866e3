import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { IngestModule } from '../ingest/ingest.module';
import { SiteConfigModule } from '../sites/site-config.module';
import { BrokerService } from './broker.service';
import { MQTT_TRANSPORT } from './mqtt-transport';

/**
 * MQTT in and out: the embedded aedes broker, or a client of MQTT_URL. Inject MQTT_TRANSPORT
 * (or BrokerService) to publish cmd and to ask isUp() for /api/health.
 */
@Module({
  imports: [ConfigModule, SiteConfigModule, IngestModule],
  providers: [BrokerService, { provide: MQTT_TRANSPORT, useExisting: BrokerService }],
  exports: [BrokerService, MQTT_TRANSPORT],
})
export class BrokerModule {}
