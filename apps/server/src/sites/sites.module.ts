import { Module } from '@nestjs/common';
import { SitesController } from './sites.controller';

/** GET /api/sites; SitesService itself is provided by CoreModule (global). */
@Module({ controllers: [SitesController] })
export class SitesModule {}
