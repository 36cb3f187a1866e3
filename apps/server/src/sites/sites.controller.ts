import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { extname, isAbsolute } from 'node:path';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SiteConfig, SiteDto, SitePlaceDto } from '@estate-watch/contracts';
import { Roles } from '../auth/auth.decorators';
import { PLAN_CONTENT_TYPES } from './site-plan';
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
      ...(cfg.plan ? { plan: { url: `/api/sites/${encodeURIComponent(cfg.site.id)}/plan`, width: cfg.plan.width, height: cfg.plan.height } } : {}),
      places: places(cfg),
    }));
  }

  @Get(':siteId/plan')
  @Roles('operator')
  @ApiOperation({ summary: "The site plan image the site file names (`plan.image`), for the overview" })
  plan(@Param('siteId') siteId: string, @Res() res: Response): void {
    const image = this.sites.site(siteId)?.plan?.image;
    if (!image) throw new NotFoundException(`site ${siteId} has no plan: add plan: { image, width, height } to its site file`);
    // Resolved against the site file by the loader; a config handed in without a file has no place to read it from.
    if (!isAbsolute(image)) throw new NotFoundException(`site ${siteId}: plan.image ${image} was not loaded from a site file`);
    res.type(PLAN_CONTENT_TYPES[extname(image).toLowerCase()]!);
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.sendFile(image);
  }
}

function places(cfg: SiteConfig): SitePlaceDto[] {
  const at = (d: { x?: number; y?: number }) => (d.x !== undefined && d.y !== undefined ? { x: d.x, y: d.y } : {});
  return [
    ...cfg.checkpoints.map((d) => ({ kind: 'checkpoint' as const, id: d.id, name: d.name, x: d.x, y: d.y })),
    ...cfg.gates.map((d) => ({ kind: 'gate' as const, id: d.id, name: d.name, ...at(d) })),
    ...cfg.dispensers.map((d) => ({ kind: 'dispenser' as const, id: d.id, name: d.name, ...at(d) })),
    ...cfg.sensors.map((d) => ({ kind: 'sensor' as const, id: d.id, name: d.name, ...at(d) })),
  ];
}
