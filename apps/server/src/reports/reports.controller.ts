import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  DailyReportQuerySchema,
  PatrolReportQuerySchema,
  type PatrolReportDto,
  type PatrolReportQuery,
  WorkOrderReportQuerySchema,
  type DailyReportDto,
  type DailyReportQuery,
  type WorkOrderReportDto,
  type WorkOrderReportQuery,
} from '@estate-watch/contracts';
import { Roles } from '../auth/auth.decorators';
import { ZodQuery } from '../common/http/zod-validation';
import { ReportsService } from './reports.service';

/**
 * A manager's view: supervisors and admins. The printable page needs the bearer header like every
 * other call; the dashboard fetches it and opens the HTML as a blob (no token in URLs, history or logs).
 */
@ApiTags('reports')
@Controller('api/reports')
@Roles('supervisor')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('work-orders')
  @ApiOperation({ summary: 'Work orders created in [from, to): per department, per source and in total — status counts, escalations, minutes to accept/resolve (median, p90), SLA compliance, callbacks' })
  workOrders(@ZodQuery(WorkOrderReportQuerySchema) query: WorkOrderReportQuery): Promise<WorkOrderReportDto> {
    return this.reports.workOrderReport(query);
  }

  @Get('patrol')
  @ApiOperation({ summary: 'Patrol compliance in [from, to) by route (mean of completed rounds) and by guard (on-time visits ÷ visits)' })
  patrol(@ZodQuery(PatrolReportQuerySchema) query: PatrolReportQuery): Promise<PatrolReportDto> {
    return this.reports.patrolReport(query);
  }

  @Get('daily')
  @ApiOperation({ summary: 'Duty log (值班日志) of one site-local day: alerts, patrol, work orders, escalated orders and overdue callbacks' })
  daily(@ZodQuery(DailyReportQuerySchema) query: DailyReportQuery): Promise<DailyReportDto> {
    return this.reports.dailyReport(query);
  }

  @Get('daily.html')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The duty log as a printable A4 page (Chinese first), with a line for the shift lead to sign' })
  dailyHtml(@ZodQuery(DailyReportQuerySchema) query: DailyReportQuery): Promise<string> {
    return this.reports.dailyReportHtml(query);
  }
}
