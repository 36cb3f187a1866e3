import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { DeviceDto } from '@estate-watch/contracts';
import { Roles } from '../auth/auth.decorators';
import { ZodQuery } from '../common/http/zod-validation';
import { DevicesService } from './devices.service';

const DeviceQuerySchema = z.object({ siteId: z.string().max(32).optional() });

@ApiTags('devices')
@Controller('api/devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Get()
  @Roles('operator')
  @ApiOperation({ summary: 'Devices: online, last seen, last values, rejected-message count and last reason' })
  list(@ZodQuery(DeviceQuerySchema) query: z.infer<typeof DeviceQuerySchema>): Promise<DeviceDto[]> {
    return this.devices.list(query.siteId);
  }
}
