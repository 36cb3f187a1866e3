import { Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  AckBodySchema,
  AckManyBodySchema,
  AlertQuerySchema,
  ClearBodySchema,
  NEXT_CURSOR_HEADER,
  SnoozeBodySchema,
  type AckBody,
  type AckManyBody,
  type AckManyResult,
  type AlertDto,
  type AlertQuery,
  type ClearBody,
  type SnoozeBody,
  type UserDto,
} from '@estate-watch/contracts';
import { Audited } from '../audit/audited';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { ZodBody, ZodQuery } from '../common/http/zod-validation';
import { allPages, csvHeaders, type HeaderResponse } from '../reports/csv';
import { alertsCsv } from './alerts-export';
import { AlertsService } from './alerts.service';

@ApiTags('alerts')
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Roles('operator')
  @ApiOperation({
    summary: 'Alerts, newest first; status=open means not cleared or not yet acknowledged. q searches message, subject and type; from/to bound raisedAt; the next page: cursor = the X-Next-Cursor header',
  })
  async list(@ZodQuery(AlertQuerySchema) query: AlertQuery, @Res({ passthrough: true }) res: HeaderResponse): Promise<AlertDto[]> {
    const { items, nextCursor } = await this.alerts.page(query);
    if (nextCursor) res.setHeader(NEXT_CURSOR_HEADER, nextCursor);
    return items;
  }

  @Get('export.csv')
  @Roles('operator')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The alert history with the same filters as CSV (UTF-8 with BOM for Excel; times in each site\'s zone), at most 100,000 rows' })
  async exportCsv(@ZodQuery(AlertQuerySchema) query: AlertQuery, @Res({ passthrough: true }) res: HeaderResponse): Promise<string> {
    const alerts = await allPages((cursor) => this.alerts.page({ ...query, limit: 1000, cursor }));
    csvHeaders(res, 'alerts', new Date());
    return alertsCsv(alerts);
  }

  @Post('ack')
  @Roles('operator')
  @ApiOperation({ summary: 'Acknowledge several alerts at once: {ids, note?} → {acknowledged, skipped}' })
  @Audited('alert.acknowledged_many')
  ackMany(@ZodBody(AckManyBodySchema) body: AckManyBody, @CurrentUser() user: UserDto): Promise<AckManyResult> {
    return this.alerts.acknowledgeMany(body.ids, user.username, body.note);
  }

  @Post(':id/snooze')
  @Roles('operator')
  @ApiOperation({ summary: 'Quiet an unacknowledged alert\'s reminder for {minutes} (1–720) with a {reason} kept in its timeline' })
  @Audited('alert.snoozed')
  snooze(@Param('id', ParseUUIDPipe) id: string, @ZodBody(SnoozeBodySchema) body: SnoozeBody, @CurrentUser() user: UserDto): Promise<AlertDto> {
    return this.alerts.snooze(id, user.username, body.minutes, body.reason);
  }

  @Post(':id/ack')
  @Roles('operator')
  @ApiOperation({ summary: 'Acknowledge, with an optional note' })
  @Audited('alert.acknowledged')
  ack(@Param('id', ParseUUIDPipe) id: string, @ZodBody(AckBodySchema) body: AckBody, @CurrentUser() user: UserDto): Promise<AlertDto> {
    return this.alerts.acknowledge(id, user.username, body.note);
  }

  @Post(':id/clear')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Clear by hand (supervisor or admin)' })
  @Audited('alert.cleared')
  clear(@Param('id', ParseUUIDPipe) id: string, @ZodBody(ClearBodySchema) body: ClearBody, @CurrentUser() user: UserDto): Promise<AlertDto> {
    return this.alerts.clearByUser(id, user.username, body.note);
  }
}
