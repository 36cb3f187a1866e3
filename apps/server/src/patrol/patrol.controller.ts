import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RoundQuerySchema, type RoundDto, type RoundQuery } from '@estate-watch/contracts';
import { Roles } from '../auth/auth.decorators';
import { ZodQuery } from '../common/http/zod-validation';
import { PatrolService } from './patrol.service';
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
}
