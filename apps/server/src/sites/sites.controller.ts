import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SiteDto } from '@estate-watch/contracts';
import { Roles } from '../auth/auth.decorators';
import { SitesService } from './sites.service';

const DEPARTMENT = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    sla: { type: 'object', properties: { acceptMin: { type: 'integer' }, resolveMin: { type: 'integer' } } },
  },
};

@ApiTags('sites')
@Controller('api/sites')
export class SitesController {
  constructor(private readonly sites: SitesService) {}

  @Get()
  @Roles('operator')
  @ApiOperation({ summary: "Each configured site: name, time zone, and its own departments (CONTRACT §2) for filters and labels" })
  @ApiOkResponse({
    schema: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          timezone: { type: 'string' },
          departments: { type: 'array', items: DEPARTMENT },
          routing: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  })
  list(): SiteDto[] {
    return this.sites.all().map((cfg) => ({
      id: cfg.site.id,
      name: cfg.site.name,
      timezone: cfg.site.timezone,
      departments: cfg.departments.map((d) => ({ id: d.id, name: d.name, sla: { ...d.sla } })),
      routing: { ...cfg.routing },
    }));
  }
}
