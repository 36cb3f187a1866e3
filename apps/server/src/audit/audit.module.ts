import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditInterceptor } from './audited';
import { ConfigAudit } from './config-audit';

/**
 * Issue 8 point 9: the append-only audit log, GET /api/audit, the global interceptor behind
 * @Audited(...) and the configuration entry at start-up. Needs DATABASE, CLOCK and ENV (CoreModule).
 * AuthModule imports it (sign-ins are audited), so every app with auth has the interceptor too.
 */
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, ConfigAudit, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditService],
})
export class AuditModule {}
