import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { PatrolController } from './patrol.controller';
import { PatrolRepository } from './patrol.repository';
import { PatrolService } from './patrol.service';

/** Needs SitesService and the clock (CoreModule, global). Registered with ingest and swept by bootstrap. */
@Module({
  imports: [AlertsModule],
  controllers: [PatrolController],
  providers: [PatrolRepository, PatrolService],
  exports: [PatrolService],
})
export class PatrolModule {}
