import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RoundQuerySchema, RoundsExportQuerySchema, type RoundDto, type RoundQuery, type RoundsExportQuery } from '@estate-watch/contracts';
import { Roles } from '../auth/auth.decorators';
import { ZodQuery } from '../common/http/zod-validation';
import { csvHeaders, type HeaderResponse } from '../reports/csv';
import { PatrolService } from './patrol.service';
import { roundsCsv } from './rounds-export';
import { RoundSchema } from './round.openapi';

@ApiTags('patrol')
@Controller('api/patrol')
export class PatrolController {
  constructor(private readonly patrol: PatrolService) {}

  @Get('rounds')
  @Roles('operator')
  @ApiOperation({ summary: "Rounds of a site-local date (default today) with each checkpoint's planned time, window, visit and outcome" })
  @ApiOkResponse({ description: 'Rounds ordered by start', schema: { type: 'array', items: RoundSchema } })
  rounds(@ZodQuery(RoundQuerySchema) query: RoundQuery): Promise<RoundDto[]> {
    return this.patrol.list(query);
  }

  @Get('rounds/export.csv')
  @Roles('operator')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary:
      "Rounds that started in [from, to) as CSV, a row per checkpoint (UTF-8 with BOM for Excel; times in the site's zone); " +
      'from/to as the reports take them (default: the last 30 site-local days), routeId optional; X-Truncated: true past 100,000 rows',
  })
  async exportCsv(@ZodQuery(RoundsExportQuerySchema) query: RoundsExportQuery, @Res({ passthrough: true }) res: HeaderResponse): Promise<string> {
    const { site, rounds } = await this.patrol.between(query);
    const { csv, truncated } = roundsCsv(rounds, site.site.timezone);
    csvHeaders(res, 'rounds', new Date());
    if (truncated) res.setHeader('X-Truncated', 'true');
    return csv;
  }
}
