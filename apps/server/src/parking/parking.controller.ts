import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiGatewayTimeoutResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { DEVICE_ID_PATTERN, GateOpenBodySchema, type GateCommandDto, type GateOpenBody, type GateOpenResult, type ParkingLotDto, type UserDto } from '@estate-watch/contracts';
import { Audited } from '../audit/audited';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { ZodBody, ZodParam, ZodQuery } from '../common/http/zod-validation';
import { GateCommandsService } from './gate-commands.service';
import { ParkingService } from './parking.service';

const SiteQuerySchema = z.object({ siteId: z.string().max(32).optional() });
type SiteQuery = z.infer<typeof SiteQuerySchema>;
const GateIdSchema = z.string().regex(DEVICE_ID_PATTERN, 'a gate id');

@ApiTags('parking')
@Controller('api/parking')
export class ParkingController {
  constructor(private readonly parking: ParkingService) {}

  @Get('lots')
  @Roles('operator')
  @ApiOperation({ summary: 'Lots: capacity, occupancy, free spaces, gates with barrier state and last pass' })
  lots(@ZodQuery(SiteQuerySchema) query: SiteQuery): Promise<ParkingLotDto[]> {
    return this.parking.lots(query.siteId);
  }

  @Post('reconcile')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Run the nightly count check of every lot now' })
  reconcile(): Promise<ParkingLotDto[]> {
    return this.parking.reconcile();
  }
}

@ApiTags('parking')
@Controller('api/gates')
export class GatesController {
  constructor(private readonly commands: GateCommandsService) {}

  @Post(':id/open')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary: "Open a barrier remotely: publishes cmd, answers with the gate's ack (504 when none within the time-out); audited",
    description: 'The wait for the ack is in the server instance that sent the command: with several instances, an ack ingested by another one is audited there and this call times out.',
  })
  @ApiOkResponse({
    description: "The gate's ack (ok false: the gate refused, see error)",
    schema: {
      type: 'object',
      required: ['commandId', 'ok', 'ackedAt'],
      properties: { commandId: { type: 'string', example: 'cmd-0b6e…' }, ok: { type: 'boolean' }, error: { type: 'string' }, ackedAt: { type: 'string', format: 'date-time' } },
    },
  })
  @ApiGatewayTimeoutResponse({ description: 'No ack within the time-out (10 s); the command is audited as timeout' })
  @ApiServiceUnavailableResponse({ description: 'The MQTT broker is not reachable; the command is audited as failed' })
  @ApiNotFoundResponse({ description: 'No such gate' })
  @Audited('gate.open')
  open(
    @ZodParam('id', GateIdSchema) id: string,
    @ZodQuery(SiteQuerySchema) query: SiteQuery,
    @ZodBody(GateOpenBodySchema) body: GateOpenBody,
    @CurrentUser() user: UserDto,
  ): Promise<GateOpenResult> {
    return this.commands.open(id, query.siteId, user.username, body.reason);
  }

  @Get(':id/commands')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Audit of remote commands to this gate, newest first: who, when, why, result' })
  list(@ZodParam('id', GateIdSchema) id: string, @ZodQuery(SiteQuerySchema) query: SiteQuery): Promise<GateCommandDto[]> {
    return this.commands.commands(id, query.siteId);
  }
}
