import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayInit } from '@nestjs/websockets';
import { merge, type Subscription } from 'rxjs';
import { map } from 'rxjs/operators';
import type { Namespace, Socket } from 'socket.io';
import { LIVE_NAMESPACE, type LiveEvents, type UserDto } from '@estate-watch/contracts';
import { AlertsService } from '../alerts/alerts.service';
import { AuthService } from '../auth/auth.service';
import { DevicesService } from '../devices/devices.service';
import { ParkingService } from '../parking/parking.service';
import { PatrolService } from '../patrol/patrol.service';
import { WorkOrdersService } from '../work-orders/work-orders.service';

type LiveNamespace = Namespace<Record<string, never>, LiveEvents>;

/**
 * Socket.IO namespace /live (CONTRACT §6): a connection must present a valid token in
 * `auth: { token }`; domain events are pushed to every authenticated operator.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE, cors: { origin: true } })
export class LiveGateway implements OnGatewayInit, OnModuleDestroy {
  @WebSocketServer() private server!: LiveNamespace;
  private readonly log = new Logger(LiveGateway.name);
  private subscription?: Subscription;

  constructor(
    private readonly auth: AuthService,
    private readonly alerts: AlertsService,
    private readonly devices: DevicesService,
    private readonly workOrders: WorkOrdersService,
    private readonly patrol: PatrolService,
    private readonly parking: ParkingService,
  ) {}

  afterInit(namespace: LiveNamespace): void {
    namespace.use((socket: Socket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      if (typeof token !== 'string' || token.length === 0) return next(new Error('unauthorized: auth.token is required'));
      this.auth
        .verifyToken(token)
        .then((user: UserDto) => {
          socket.data.user = user;
          next();
        })
        .catch(() => next(new Error('unauthorized: token invalid or expired, log in again')));
    });
    this.subscription = merge(
      this.alerts.changes$.pipe(map((e) => () => namespace.emit('alert', e.alert))),
      this.devices.changes$.pipe(map((d) => () => namespace.emit('device', d))),
      this.workOrders.changes$.pipe(map((o) => () => namespace.emit('workOrder', o))),
      this.parking.changes$.pipe(map((l) => () => namespace.emit('parking', l))),
      this.patrol.changes$.pipe(map((r) => () => namespace.emit('patrol', r))),
    ).subscribe((send) => send());
    this.log.log(`live updates on namespace ${LIVE_NAMESPACE}`);
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
