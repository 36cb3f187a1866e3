import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { AuthModule } from '../auth/auth.module';
import { ClusterModule } from '../cluster/cluster.module';
import { ConsumablesModule } from '../consumables/consumables.module';
import { ConfigModule } from '../config/config.module';
import { DevicesModule } from '../devices/devices.module';
import { EquipmentModule } from '../equipment/equipment.module';
import { ParkingModule } from '../parking/parking.module';
import { PatrolModule } from '../patrol/patrol.module';
import { UsersModule } from '../users/users.module';
import { WorkOrdersModule } from '../work-orders/work-orders.module';
import { LiveGateway } from './live.gateway';

@Module({
  imports: [ConfigModule, AuthModule, ClusterModule, UsersModule, AlertsModule, DevicesModule, EquipmentModule, ConsumablesModule, WorkOrdersModule, PatrolModule, ParkingModule],
  providers: [LiveGateway],
})
export class LiveModule {}
