// Start-up in one readable sequence: env → site files → database → Nest app → broker → HTTP → timers.
// The demo's virtual devices are another process (firmware-sim, started beside this one by npm start's
// launcher, scripts/start.mjs): they connect over MQTT like real devices.
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { SiteConfig } from '@estate-watch/contracts';
import { AlertsService } from './alerts/alerts.service';
import { AppModule } from './app.module';
import { BrokerService } from './broker/broker.service';
import { ClusterService } from './cluster/cluster.service';
import { oneServerAtATime } from './cluster/startup-lock';
import { systemClock, type Clock } from './common/clock';
import { Periodic, type Schedule } from './common/periodic';
import { configureHttp } from './common/http/configure-http';
import { serveDashboard } from './common/serve-dashboard';
import { readEnv, type Env } from './config/env';
import { loadServerTls } from './config/tls-files';
import { openDatabase } from './db/open-database';
import { workerPgliteEngine } from './db/pglite-worker-client';
import { DevicesService } from './devices/devices.service';
import { setupOpenApi } from './openapi/setup-openapi';
import { ParkingService } from './parking/parking.service';
import { PatrolService } from './patrol/patrol.service';
import { DEMO_SITE_FILE, loadSiteFiles } from './sites/load-site-files';
import { SiteReloadService, type ReloadOutcome } from './sites/site-reload.service';
import { SitesService } from './sites/sites.service';
import { UsersService } from './users/users.service';
import { AlertWorkOrders } from './work-orders/alert-work-orders';
import { WorkOrdersService } from './work-orders/work-orders.service';

export interface StartOptions {
  /** Overrides on top of the environment (tests: ports 0, dataDir undefined for PGlite in memory). */
  env?: Partial<Env>;
  /** Environment to read; defaults to process.env. */
  source?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** What runs the sweeps below: the wall clock, or a replay's virtual time (replay/replay-time.ts) with `clock`. */
  schedule?: Schedule;
  /** Site configs instead of reading SITE_CONFIG / the demo file. */
  sites?: SiteConfig[];
  /** How often the offline sweep runs (CONTRACT §4: silence for 3 × heartbeatSec). */
  sweepIntervalMs?: number;
  /** How often work-order deadlines are checked (issue 3: escalation within 30 s of a deadline). */
  deadlineSweepIntervalMs?: number;
  /** How often stuck-open barriers and the nightly lot check are looked for (gate.stuck_open within a few seconds). */
  parkingSweepIntervalMs?: number;
  /** How often patrol windows are checked (CONTRACT §3: a miss at the latest 10 s after its window closed). */
  patrolSweepIntervalMs?: number;
}

export interface RunningServer {
  httpUrl: string;
  mqttPort: number;
  env: Env;
  app: NestExpressApplication;
  /** Reads SITE_CONFIG again (SIGHUP, issue 13 point 5); the outcome is logged and audited. */
  reloadSites(): Promise<ReloadOutcome>;
  close(): Promise<void>;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const startedAt = performance.now();
  const env: Env = { ...readEnv(options.source ?? process.env), ...options.env };
  const clock = options.clock ?? systemClock;
  const log = new Logger('Bootstrap');
  const sites = options.sites ?? loadSiteFiles(env.siteConfig ?? DEMO_SITE_FILE).map((s) => s.config);
  // A certificate configured: the API, dashboard and Socket.IO are served over HTTPS only.
  const tls = loadServerTls(env);

  const db = await openDatabase({
    databaseUrl: env.databaseUrl,
    dataDir: env.databaseUrl ? undefined : env.dataDir,
    pglite: env.pgliteThread === 'main' ? undefined : workerPgliteEngine,
  });
  let app: NestExpressApplication | undefined;
  const periodic = new Periodic(options.schedule);
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ env, db, clock, sites }), {
      bodyParser: false,
      logger: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(env.logLevel) + 1),
      ...(tls ? { httpsOptions: { cert: tls.cert, key: tls.key } } : {}),
    });
    configureHttp(app);
    setupOpenApi(app);
    serveDashboard(app);
    await oneServerAtATime(db, async () => {
      await app!.get(SitesService).syncToDatabase();
      await app!.get(UsersService).seedFromEnv();
    });
    // Alerts become work orders through this one follower; it must hear the replayed alerts too.
    app.get(AlertsService).follow(app.get(AlertWorkOrders));
    await app.init();
    const mqttPort = await app.get(BrokerService).start();

    await app.listen(env.httpPort).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') throw error;
      throw Object.assign(new Error(`HTTP port ${env.httpPort} is already in use: set HTTP_PORT to a free port, or stop what holds it`), { code: 'EADDRINUSE' });
    });
    const address = app.getHttpServer().address() as { port: number };
    const httpUrl = `${tls ? 'https' : 'http'}://localhost:${address.port}`;

    const devices = app.get(DevicesService);
    const workOrders = app.get(WorkOrdersService);
    const parking = app.get(ParkingService);
    const patrol = app.get(PatrolService);
    devices.startWatching(clock.now());
    const cluster = app.get(ClusterService);
    // Plans the rounds and, at once, marks the windows that closed while the server was down (CONTRACT §3).
    // Several servers: the holder of the patrol sweep's lease does it, within a second.
    if (!cluster.enabled) await patrol.sweep(clock.now());
    // Each with when it is next due: the wall clock ignores it; a replay's virtual time runs the sweep then.
    periodic.every('offline sweep', options.sweepIntervalMs ?? 5_000, () => devices.sweepSilent(clock.now()), devices.silenceDue());
    periodic.every('work-order deadline sweep', options.deadlineSweepIntervalMs ?? 10_000, () => workOrders.sweepDeadlines(clock.now()), workOrders.deadlineDue());
    periodic.every(
      'parking sweep',
      options.parkingSweepIntervalMs ?? 2_000,
      async () => {
        const now = clock.now();
        await parking.sweepStuckOpen(now);
        await parking.sweepReconciliation(now);
      },
      parking.sweepDue(),
    );
    periodic.every('patrol sweep', options.patrolSweepIntervalMs ?? 1_000, () => patrol.sweep(clock.now()), patrol.sweepDue());
    // Several servers: each sweep runs where its lease is (cluster/README.md).
    cluster.adoptTimers(periodic);

    log.log(
      `Estate Watch ready in ${Math.round(performance.now() - startedAt)} ms: dashboard ${httpUrl}, ` +
        `MQTT ${env.mqttUrl ?? `embedded on port ${mqttPort}`}, database ${env.databaseUrl ? 'PostgreSQL' : `PGlite in ${env.dataDir ?? 'memory'}`}` +
        (cluster.enabled ? `, cluster node ${cluster.node}` : ', single server'),
    );
    if (!env.databaseUrl) log.log('PGlite is this process\'s own database: several servers need DATABASE_URL (PostgreSQL) and MQTT_URL (README "Running several servers")');

    const running = app;
    return {
      httpUrl,
      mqttPort,
      env,
      app: running,
      reloadSites: () => running.get(SiteReloadService).reload({ trigger: 'SIGHUP' }),
      close: async () => {
        periodic.stop();
        await running.close();
        await db.close();
      },
    };
  } catch (error) {
    periodic.stop();
    await app?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}
