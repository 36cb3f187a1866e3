import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { TelemetryQuerySchema, type TelemetryDto, type TelemetryQuery } from '@estate-watch/contracts';
import { Roles } from '../auth/auth.decorators';
import { ZodQuery } from '../common/http/zod-validation';
import { csvHeaders, type HeaderResponse } from '../reports/csv';
import { SitesService } from '../sites/sites.service';
import { telemetryCsv } from './telemetry-export';
import { TelemetryService } from './telemetry.service';

@ApiTags('telemetry')
@Controller('api/telemetry')
export class TelemetryController {
  constructor(
    private readonly telemetry: TelemetryService,
    private readonly sites: SitesService,
  ) {}

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

  @Get('export.csv')
  @Roles('operator')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary:
      "One device's readings as CSV (UTF-8 with BOM for Excel; times in the site's zone): the same query as GET /api/telemetry, " +
      'a row per raw point or per bucket; X-Truncated: true when a raw series was cut (ask with a step or a shorter range)',
  })
  async exportCsv(@ZodQuery(TelemetryQuerySchema) query: TelemetryQuery, @Res({ passthrough: true }) res: HeaderResponse): Promise<string> {
    const t = await this.telemetry.query(query);
    csvHeaders(res, `readings-${t.device}`, new Date());
    if (t.truncated) res.setHeader('X-Truncated', 'true');
    return telemetryCsv(t, this.sites.site(t.site)?.site.timezone ?? 'UTC');
  }
}
