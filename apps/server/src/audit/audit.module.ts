import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
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
 * Issue 8 point 9: the append-only audit log, GET /api/audit, the global interceptor behind
 * @Audited(...) and the configuration entry at start-up.
 * AuthModule imports it (sign-ins are audited), so every app with auth has the interceptor too.
 */
@Module({
  imports: [ConfigModule, DatabaseModule, ClockModule, SiteConfigModule],
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, ConfigAudit, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditService],
})
export class AuditModule {}
