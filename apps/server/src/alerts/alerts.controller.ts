import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AckBodySchema, AlertQuerySchema, ClearBodySchema, type AckBody, type AlertDto, type AlertQuery, type ClearBody, type UserDto } from '@estate-watch/contracts';
import { CurrentUser, Roles } from '../auth/decorators';
import { ZodPipe } from '../common/http/zod.pipe';
import { AlertsService } from './alerts.service';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Roles('operator')
  @ApiOperation({ summary: 'Alerts, newest first; status=open means not cleared or not yet acknowledged' })
  list(@Query(new ZodPipe(AlertQuerySchema)) query: AlertQuery): Promise<AlertDto[]> {
    return this.alerts.list(query);
  }

  @Post(':id/ack')
  @Roles('operator')
  @ApiOperation({ summary: 'Acknowledge, with an optional note' })
  ack(@Param('id', ParseUUIDPipe) id: string, @Body(new ZodPipe(AckBodySchema)) body: AckBody, @CurrentUser() user: UserDto): Promise<AlertDto> {
    return this.alerts.acknowledge(id, user.username, body.note);
  }

  @Post(':id/clear')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Clear by hand (supervisor or admin)' })
  clear(@Param('id', ParseUUIDPipe) id: string, @Body(new ZodPipe(ClearBodySchema)) body: ClearBody, @CurrentUser() user: UserDto): Promise<AlertDto> {
    return this.alerts.clearByUser(id, user.username, body.note);
  }
}
