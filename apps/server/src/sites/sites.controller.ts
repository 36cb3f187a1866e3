import { Controller, Get, HttpCode, Ip, NotFoundException, Param, Post, Res, UnprocessableEntityException } from '@nestjs/common';
import type { Response } from 'express';
import { extname, isAbsolute } from 'node:path';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { SiteConfig, SiteDto, SitePlaceDto, UserDto } from '@estate-watch/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { SiteReloadService } from './site-reload.service';
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

const RELOADED = {
  type: 'object',
  properties: {
    revision: { type: 'integer', description: 'counts reloads that changed something since start' },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          siteId: { type: 'string' },
          section: { type: 'string', enum: ['site', 'departments', 'routing', 'guards', 'routes', 'lots', 'checkpoints', 'gates', 'dispensers', 'sensors', 'limits'] },
          id: { type: 'string', description: 'the item; a limit is {sensor}.{metric}' },
          change: { type: 'string', enum: ['added', 'removed', 'changed', 'rekeyed'] },
        },
      },
    },
    disconnected: { type: 'array', items: { type: 'object', properties: { siteId: { type: 'string' }, deviceId: { type: 'string' }, why: { type: 'string', enum: ['removed', 'rekeyed'] } } } },
  },
};

@ApiTags('sites')
@Controller('api/sites')
export class SitesController {
  constructor(
    private readonly sites: SitesService,
    private readonly reloader: SiteReloadService,
  ) {}

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

  @Post('reload')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Reads SITE_CONFIG again and puts it in force (issue 13 point 5); the same as SIGHUP',
    description:
      'Every file is checked first: any problem, or a site id no longer in the files, changes nothing (422 with every problem). ' +
      'Removed and re-keyed devices are disconnected at once; rounds not yet started take the new routes. Audited as config.reloaded.',
  })
  @ApiOkResponse({ schema: RELOADED })
  @ApiUnprocessableEntityResponse({ description: '`problems`: [{file, line?, problem}], every one found; nothing changed' })
  async reload(@CurrentUser() user: UserDto | undefined, @Ip() address: string): Promise<{ revision: number; changes: unknown[]; disconnected: unknown[] }> {
    const outcome = await this.reloader.reload({ trigger: 'api', actor: user?.username, address });
    if (!outcome.ok) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `site files not reloaded, nothing changed: ${outcome.problems.length} problem${outcome.problems.length === 1 ? '' : 's'}`,
        problems: outcome.problems,
      });
    }
    return { revision: outcome.revision, changes: outcome.changes, disconnected: outcome.disconnected };
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
