import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ClockModule } from '../common/clock.module';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../db/database.module';
import { SiteConfigModule } from '../sites/site-config.module';
import { PasswordHasher } from './password-hasher';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Call UsersService.seedFromEnv() once at start-up. */
@Module({
  imports: [AuditModule, ConfigModule, DatabaseModule, ClockModule, SiteConfigModule],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, PasswordHasher],
  exports: [UsersService],
})
export class UsersModule {}
