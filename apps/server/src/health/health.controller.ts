import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HealthDto } from '@estate-watch/contracts';
import { Public } from '../auth/auth.decorators';
import { DATABASE, type Database } from '../db/database';
import { MQTT_TRANSPORT, type MqttTransport } from '../broker/mqtt-transport';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(MQTT_TRANSPORT) private readonly mqtt: MqttTransport,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness for load balancers and the dashboard banner: {status, mqtt, db}' })
  async health(): Promise<HealthDto> {
    const db = await this.db.query('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const mqtt = this.mqtt.isUp() ? 'up' : 'down';
    return { status: db === 'up' && mqtt === 'up' ? 'ok' : 'degraded', mqtt, db };
  }
}
