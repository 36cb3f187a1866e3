import { Module, type DynamicModule } from '@nestjs/common';
import { AlertsModule } from './alerts/alerts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BrokerModule } from './broker/broker.module';
import { ClusterModule } from './cluster/cluster.module';
import { ConsumablesModule } from './consumables/consumables.module';
import { CoreModule, type CoreDeps } from './core/core.module';
import { DevicesModule } from './devices/devices.module';
import { EquipmentModule } from './equipment/equipment.module';
import { FindingsModule } from './findings/findings.module';
import { HealthModule } from './health/health.module';
import { IngestModule } from './ingest/ingest.module';
import { LiveModule } from './live/live.module';
import { ParkingModule } from './parking/parking.module';
import { PatrolModule } from './patrol/patrol.module';
import { ReportsModule } from './reports/reports.module';
import { SitesModule } from './sites/sites.module';
import { TelemetryModule } from './telemetry/telemetry.module';
import { UsersModule } from './users/users.module';
import { WorkOrdersModule } from './work-orders/work-orders.module';

@Module({})
export class AppModule {
  static forRoot(deps: CoreDeps): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(deps),
        AuthModule,
        AuditModule,
        UsersModule,
        IngestModule,
        BrokerModule,
        AlertsModule,
        DevicesModule,
        WorkOrdersModule,
        FindingsModule,
        SitesModule,
        ParkingModule,
        ConsumablesModule,
        EquipmentModule,
        PatrolModule,
        LiveModule,
        ReportsModule,
        TelemetryModule,
        HealthModule,
        ClusterModule,
      ],
    };
  }
}
