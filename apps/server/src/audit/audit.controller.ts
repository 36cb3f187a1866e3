import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditQuerySchema, type AuditPageDto, type AuditQuery } from '@estate-watch/contracts';
import { Roles } from '../auth/auth.decorators';
import { ZodQuery } from '../common/http/zod-validation';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'The audit log, newest first (admin)',
    description:
      'Sign-ins (with address), user changes, alert acknowledgements, work-order actions, remote gate opens and the configuration loaded at each start. ' +
      'Filter by user, action (or a group such as work_order) and time (from inclusive, to exclusive); page with before = the previous answer\'s next.',
  })
  @ApiOkResponse({ description: '{ entries, next }' })
  page(@ZodQuery(AuditQuerySchema) query: AuditQuery): Promise<AuditPageDto> {
    return this.audit.page(query);
  }
}
