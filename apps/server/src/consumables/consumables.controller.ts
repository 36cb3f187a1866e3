import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { DispenserDto } from '@estate-watch/contracts';
import { Roles } from '../auth/auth.decorators';
import { ZodQuery } from '../common/http/zod-validation';
import { ConsumablesService } from './consumables.service';

const SiteQuerySchema = z.object({ siteId: z.string().max(32).optional() });

@ApiTags('consumables')
@Controller('api/consumables')
export class ConsumablesController {
  constructor(private readonly consumables: ConsumablesService) {}

  @Get('dispensers')
  @Roles('operator')
  @ApiOperation({ summary: 'Dispensers: level, battery, consumption rate, expected time to empty, open alert' })
  list(@ZodQuery(SiteQuerySchema) query: z.infer<typeof SiteQuerySchema>): Promise<DispenserDto[]> {
    return this.consumables.list(query.siteId);
  }
}
