import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AuditModule } from '../audit/audit.module';
import { ClockModule } from '../common/clock.module';
import { ConfigModule } from '../config/config.module';
import { ENV, type Env } from '../config/env';
import { DatabaseModule } from '../db/database.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { createJwtService, resolveJwtSecret } from './jwt-options';
import { RouteDeclarationCheck } from './route-declarations';
import { SettingsRepository } from './settings.repository';
import { TrustProxySetting } from './trust-proxy';

/**
 * Login, tokens and the global AuthGuard (every HTTP route must declare @Public() or @Roles()).
 * Exports AuthService for the live gateway.
 */
@Module({
  imports: [ConfigModule, DatabaseModule, ClockModule, UsersModule, AuditModule, DiscoveryModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    SettingsRepository,
    RouteDeclarationCheck,
    TrustProxySetting,
    {
      provide: JwtService,
      inject: [ENV, SettingsRepository],
      useFactory: async (env: Env, settings: SettingsRepository) => createJwtService(await resolveJwtSecret(env, settings)),
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService],
})
export class AuthModule {}
