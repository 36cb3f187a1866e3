import { Module } from '@nestjs/common';
import { ClockModule } from '../common/clock.module';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../db/database.module';
import { SiteConfigModule } from '../sites/site-config.module';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditInterceptor } from './audited';
import { ConfigAudit } from './config-audit';

/**
 * Issue 8 point 9: the append-only audit log, GET /api/audit, the interceptor behind @Audited(...)
 * and the configuration entry at start-up. A module with an @Audited route imports this one: the
 * route's interceptor is made in that module and needs AuditService.
 */
@Module({
  imports: [ConfigModule, DatabaseModule, ClockModule, SiteConfigModule],
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, ConfigAudit, AuditInterceptor],
  exports: [AuditService, AuditInterceptor],
})
export class AuditModule {}
