import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { DeviceDto } from '@estate-watch/contracts';
import { Roles } from '../auth/decorators';
import { ZodPipe } from '../common/http/zod.pipe';
import { DevicesService } from './devices.service';

const DeviceQuerySchema = z.object({ siteId: z.string().max(32).optional() });

@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Get()
  @Roles('operator')
  @ApiOperation({ summary: 'Devices: online, last seen, last values, rejected-message count and last reason' })
  list(@Query(new ZodPipe(DeviceQuerySchema)) query: z.infer<typeof DeviceQuerySchema>): Promise<DeviceDto[]> {
    return this.devices.list(query.siteId);
  }
}
