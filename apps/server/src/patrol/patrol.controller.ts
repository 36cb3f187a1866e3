import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RoundQuerySchema, type RoundDto, type RoundQuery } from '@estate-watch/contracts';
import { Roles } from '../auth/auth.decorators';
import { ZodQuery } from '../common/http/zod-validation';
import { PatrolService } from './patrol.service';

@ApiTags('patrol')
@Controller('api/patrol')
export class PatrolController {
  constructor(private readonly patrol: PatrolService) {}

  @Get('rounds')
  @Roles('operator')
  @ApiOperation({ summary: "Rounds of a site-local date (default today) with each checkpoint's planned time, window, visit and outcome" })
  rounds(@ZodQuery(RoundQuerySchema) query: RoundQuery): Promise<RoundDto[]> {
    return this.patrol.list(query);
  }
}
