import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TelemetryQuerySchema, type TelemetryDto, type TelemetryQuery } from '@estate-watch/contracts';
import { Roles } from '../auth/auth.decorators';
import { ZodQuery } from '../common/http/zod-validation';
import { TelemetryService } from './telemetry.service';

@ApiTags('telemetry')
@Controller('api/telemetry')
export class TelemetryController {
  constructor(private readonly telemetry: TelemetryService) {}

  @Get()
  @Roles('operator')
  @ApiOperation({
    summary:
      'Stored readings of one device: raw (at most 10,000 points per series, earliest first; truncated says so) ' +
      'or with step=10s|1m|5m|1h|1d… buckets of avg/min/max/count. Default range: the last hour; at most 31 days.',
  })
  query(@ZodQuery(TelemetryQuerySchema) query: TelemetryQuery): Promise<TelemetryDto> {
    return this.telemetry.query(query);
  }
}
