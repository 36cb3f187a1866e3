import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { SensorDto } from '@estate-watch/contracts';
import { Roles } from '../auth/auth.decorators';
import { ZodQuery } from '../common/http/zod-validation';
import { EquipmentService } from './equipment.service';

const SiteQuerySchema = z.object({ siteId: z.string().max(32).optional() });

@ApiTags('equipment')
@Controller('api/equipment')
export class EquipmentController {
  constructor(private readonly equipment: EquipmentService) {}

  @Get()
  @Roles('operator')
  @ApiOperation({ summary: 'Sensors: last readings, open fault codes, and the state of each limit (ok, pending, raised)' })
  list(@ZodQuery(SiteQuerySchema) query: z.infer<typeof SiteQuerySchema>): Promise<SensorDto[]> {
    return this.equipment.list(query.siteId);
  }
}
