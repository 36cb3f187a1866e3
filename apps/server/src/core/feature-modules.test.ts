// Issue 10 point 4: each feature module imports what it uses. Built alone beside CoreModule (the
// app's one global module, which holds the start-up values and no services), every module
// resolves all its dependencies; a module that forgot an import is refused at start-up.
import { Inject, Injectable, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { AlertsModule } from '../alerts/alerts.module';
import { AppModule } from '../app.module';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { BrokerModule } from '../broker/broker.module';
import { ClusterModule } from '../cluster/cluster.module';
import { CLOCK, systemClock, type Clock } from '../common/clock';
import { testEnv } from '../common/http/http.testing';
import { ConsumablesModule } from '../consumables/consumables.module';
import type { Database } from '../db/database';
import { DevicesModule } from '../devices/devices.module';
import { EquipmentModule } from '../equipment/equipment.module';
import { FindingsModule } from '../findings/findings.module';
import { HealthModule } from '../health/health.module';
import { IngestModule } from '../ingest/ingest.module';
import { LiveModule } from '../live/live.module';
import { ParkingModule } from '../parking/parking.module';
import { PatrolModule } from '../patrol/patrol.module';
import { ReportsModule } from '../reports/reports.module';
import { SitesModule } from '../sites/sites.module';
import { testSite } from '../sites/sites.testing';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { UsersModule } from '../users/users.module';
import { WorkOrdersModule } from '../work-orders/work-orders.module';
import { CoreModule, type CoreDeps } from './core.module';

// Preview mode resolves every dependency without constructing anything: no database is opened.
const deps: CoreDeps = { env: testEnv(), db: { kind: 'pglite' } as Database, clock: systemClock, sites: [testSite()] };

async function resolveBeside(feature: Type<unknown>): Promise<void> {
  @Module({ imports: [CoreModule.forRoot(deps), feature] })
  class Alone {}
  const context = await NestFactory.createApplicationContext(Alone, { preview: true, logger: false, abortOnError: false });
  await context.close();
}

const FEATURE_MODULES = [
  AlertsModule, AuditModule, AuthModule, BrokerModule, ClusterModule, ConsumablesModule, DevicesModule, EquipmentModule, FindingsModule,
  HealthModule, IngestModule, LiveModule, ParkingModule, PatrolModule, ReportsModule, SitesModule, TelemetryModule, UsersModule, WorkOrdersModule,
];

describe('feature modules', () => {
  it.each(FEATURE_MODULES.map((module) => ({ name: module.name, module })))('$name resolves with only CoreModule beside it', async ({ module }) => {
    await expect(resolveBeside(module)).resolves.toBeUndefined();
  });

  it('the whole app resolves', async () => {
    const context = await NestFactory.createApplicationContext(AppModule.forRoot(deps), { preview: true, logger: false, abortOnError: false });
    await context.close();
  });

  it('a module that uses the clock without importing ClockModule is refused, naming the token', async () => {
    @Injectable()
    class NeedsClock {
      constructor(@Inject(CLOCK) readonly clock: Clock) {}
    }
    @Module({ providers: [NeedsClock] })
    class Forgetful {}
    await expect(resolveBeside(Forgetful)).rejects.toThrow(/Symbol\(CLOCK\)/);
  });
});
