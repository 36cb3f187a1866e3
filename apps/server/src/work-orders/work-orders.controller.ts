import { Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  CreateWorkOrderBodySchema,
  NEXT_CURSOR_HEADER,
  WorkOrderEventBodySchema,
  WorkOrderQuerySchema,
  type CreateWorkOrderBody,
  type UserDto,
  type WorkOrderDto,
  type WorkOrderEventBody,
  type WorkOrderQuery,
} from '@estate-watch/contracts';
import { Audited } from '../audit/audited';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { ZodBody, ZodQuery } from '../common/http/zod-validation';
import { allPages, csvHeaders, type HeaderResponse } from '../reports/csv';
import { SitesService } from '../sites/sites.service';
import { workOrdersCsv } from './work-orders-export';
import { WorkOrdersService } from './work-orders.service';

/** CONTRACT §6. The control room records each department's progress, so operators may take every action. */
@ApiTags('work-orders')
@Controller('api/work-orders')
@Roles('operator')
export class WorkOrdersController {
  constructor(
    private readonly workOrders: WorkOrdersService,
    private readonly sites: SitesService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Work orders, newest first; status=open means not verified or closed. q searches number, title, reporter name, room and phone; from/to bound createdAt; the next page: cursor = the X-Next-Cursor header',
  })
  async list(@ZodQuery(WorkOrderQuerySchema) query: WorkOrderQuery, @Res({ passthrough: true }) res: HeaderResponse): Promise<WorkOrderDto[]> {
    const { items, nextCursor } = await this.workOrders.page(query);
    if (nextCursor) res.setHeader(NEXT_CURSOR_HEADER, nextCursor);
    return items;
  }

  // Before ':id', which would take "export.csv" for an id.
  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: "The orders with the same filters as CSV (UTF-8 with BOM for Excel; times in each site's zone), at most 100,000 rows" })
  async exportCsv(@ZodQuery(WorkOrderQuerySchema) query: WorkOrderQuery, @Res({ passthrough: true }) res: HeaderResponse): Promise<string> {
    const orders = await allPages((cursor) => this.workOrders.page({ ...query, limit: 1000, cursor }));
    csvHeaders(res, 'work-orders', new Date());
    return workOrdersCsv(orders, (siteId) => this.sites.site(siteId)?.site.timezone ?? 'UTC');
  }

  @Get(':id')
  @ApiOperation({ summary: 'One work order with its alerts and its timeline in order' })
  @ApiNotFoundResponse({ description: 'No such work order' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<WorkOrderDto> {
    return this.workOrders.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Raise a complaint (reporter and channel) or an inspection order; it starts "new"' })
  @ApiBadRequestResponse({ description: 'Invalid body, unknown site or a department the site does not have' })
  @Audited('work_order.created')
  create(@ZodBody(CreateWorkOrderBodySchema) body: CreateWorkOrderBody, @CurrentUser() user: UserDto): Promise<WorkOrderDto> {
    return this.workOrders.create(body, user.username);
  }

  @Post(':id/events')
  @ApiOperation({ summary: 'Take an action: dispatch, accept, start, resolve, verify (callback), reopen, close, comment' })
  @ApiBadRequestResponse({ description: 'Invalid body; a complaint verified without the callback note' })
  @ApiConflictResponse({ description: 'The action does not apply to the current status: {statusCode, message, status, allowed}' })
  @ApiNotFoundResponse({ description: 'No such work order' })
  @Audited('work_order.event')
  act(@Param('id', ParseUUIDPipe) id: string, @ZodBody(WorkOrderEventBodySchema) body: WorkOrderEventBody, @CurrentUser() user: UserDto): Promise<WorkOrderDto> {
    return this.workOrders.act(id, body, user.username);
  }
}
