import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayInit } from '@nestjs/websockets';
import { merge, type Subscription } from 'rxjs';
import { map } from 'rxjs/operators';
import type { IncomingMessage } from 'node:http';
import type { Namespace } from 'socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import { LIVE_NAMESPACE, type AlertDto, type LiveEvents } from '@estate-watch/contracts';
import { AlertsService } from '../alerts/alerts.service';
import { AuthService } from '../auth/auth.service';
import { ClusterService } from '../cluster/cluster.service';
import { pathTrace } from '../common/path-trace';
import { ConsumablesService } from '../consumables/consumables.service';
import { ENV, type Env } from '../config/env';
import { DevicesService } from '../devices/devices.service';
import { EquipmentService } from '../equipment/equipment.service';
import { ParkingService } from '../parking/parking.service';
import { PatrolService } from '../patrol/patrol.service';
import { UsersService } from '../users/users.service';
import { WorkOrdersService } from '../work-orders/work-orders.service';
import { LiveSessions } from './live-sessions';
import { originAllowed } from './origin-check';

/** Between the servers of a cluster: an alert their own screens are to hear (see alertToScreens). */
interface RelayEvents {
  alert: (alert: AlertDto) => void;
}

type LiveNamespace = Namespace<Record<string, never>, LiveEvents, RelayEvents>;

/** How often every socket's token is checked again (expiry, a user changed on another instance). */
export const LIVE_REVALIDATE_MS = 15_000;

/**
 * Socket.IO namespace /live (CONTRACT §6): a connection must present a valid token in
 * `auth: { token }` or the dashboard's session cookie, from the dashboard's own origin or one in
 * ALLOWED_ORIGINS; domain events are pushed to every authenticated operator, on every server. No `cors` option:
 * browsers on other origins get no CORS headers and are refused at the handshake anyway.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
export class LiveGateway implements OnGatewayInit, OnModuleDestroy {
  @WebSocketServer() private server!: LiveNamespace;
  private readonly log = new Logger(LiveGateway.name);
  private subscription?: Subscription;
  private sessions?: LiveSessions;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    @Inject(ENV) private readonly env: Pick<Env, 'allowedOrigins'>,
    private readonly alerts: AlertsService,
    private readonly devices: DevicesService,
    private readonly workOrders: WorkOrdersService,
    private readonly patrol: PatrolService,
    private readonly parking: ParkingService,
    private readonly equipment: EquipmentService,
    private readonly consumables: ConsumablesService,
    private readonly cluster: ClusterService,
  ) {}

  afterInit(namespace: LiveNamespace): void {
    // engine.io reads allowRequest at every handshake (polling and WebSocket alike), and this is the
    // server's only gateway: a foreign page is refused with 403 before any namespace is reached.
    const allowed = this.env.allowedOrigins ?? [];
    namespace.server.engine.opts.allowRequest = (request: IncomingMessage, callback: (error: string | null | undefined, ok: boolean) => void) => {
      const ok = originAllowed(request.headers.origin, request.headers.host, allowed);
      callback(ok ? null : `origin ${request.headers.origin} may not open the live socket (ALLOWED_ORIGINS)`, ok);
    };
    // Several servers: an event emitted here reaches the screens connected to every server
    // (PostgreSQL LISTEN/NOTIFY; the cluster needs PostgreSQL anyway, so no new service).
    const pool = this.cluster.adapterPool();
    if (pool) namespace.server.adapter(createAdapter(pool, { channelPrefix: 'estate_live' }));
    const alertToScreens = this.alertToScreens(namespace, pool !== undefined);
    const sessions = new LiveSessions(namespace as unknown as Namespace, this.auth);
    this.sessions = sessions;
    namespace.use(sessions.authenticate);
    this.subscription = merge(
      this.alerts.changes$.pipe(map((e) => () => alertToScreens(e.alert))),
      this.devices.changes$.pipe(map((d) => () => namespace.emit('device', d))),
      // The equipment handler runs beside the devices handler: once it has applied a sensor's
      // readings, the screens hear of that sensor (again), so a limit state never waits for the next reading.
      this.equipment.applied$.pipe(map((s) => () => this.devices.valueChanged(s.siteId, s.sensorId))),
      this.workOrders.changes$.pipe(map((o) => () => namespace.emit('workOrder', o))),
      // What the screens show, pushed with a revision each (issue 10 point 5): a late HTTP answer
      // never overwrites a newer push, and the dashboard reloads these lists only on reconnect.
      this.parking.changes$.pipe(map((l) => () => namespace.emit('parking', l))),
      this.patrol.changes$.pipe(map((r) => () => namespace.emit('patrol', r))),
      this.consumables.changes$.pipe(map((d) => () => namespace.emit('dispenser', d))),
      this.equipment.changes$.pipe(map((s) => () => namespace.emit('sensor', s))),
      this.users.changes$.pipe(map((change) => () => sessions.userChanged(change))),
    ).subscribe((send) => send());
    this.timer = setInterval(() => void this.revalidate(), LIVE_REVALIDATE_MS);
    this.timer.unref();
    this.log.log(`live updates on namespace ${LIVE_NAMESPACE}`);
  }

  /**
   * The adapter's broadcast publishes first (a NOTIFY round trip on a pool of two connections,
   * queued behind every other event) and only then delivers to this server's screens. An alert
   * goes to the screens here at once, and to the other servers as a server-side event, which
   * each of them hands to its own screens (issue 9.4).
   */
  private alertToScreens(namespace: LiveNamespace, clustered: boolean): (alert: AlertDto) => void {
    if (!clustered) {
      return (alert) => {
        namespace.emit('alert', alert);
        pathTrace.markAlert(alert, 'emitted');
      };
    }
    namespace.on('alert', (alert) => namespace.local.emit('alert', alert));
    return (alert) => {
      namespace.local.emit('alert', alert);
      namespace.serverSideEmit('alert', alert);
    };
  }

  /** Checks every socket's sign-in again now (also on a timer); tests call it after moving the clock. */
  async revalidate(): Promise<void> {
    await this.sessions?.revalidate().catch((error: Error) => this.log.error(`live revalidation failed: ${error.message}`));
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
  }
}
