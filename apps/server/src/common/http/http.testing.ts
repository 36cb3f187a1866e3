// Test helper for HTTP tests of any module: a real Nest app on port 0 with the app's CoreModule
// (an in-memory PGlite, a test env, a ManualClock, the given site files), the auth and users
// modules, configureHttp and the OpenAPI setup, and a small fetch wrapper. The modules under test
// import what they use themselves. Not imported by production code.
import type { AddressInfo } from 'node:net';
import { Global, Module, type INestApplication, type LogLevel, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LoginResponse, SiteConfig } from '@estate-watch/contracts';
import { AuthModule } from '../../auth/auth.module';
import type { Env } from '../../config/env';
import { CoreModule } from '../../core/core.module';
import type { Database } from '../../db/database';
import { openDatabase } from '../../db/open-database';
import { setupOpenApi } from '../../openapi/setup-openapi';
import { UsersModule } from '../../users/users.module';
import { PASSWORD_HASH_COST, type PasswordHashCost } from '../../users/password-hasher';
import { UsersService } from '../../users/users.service';
import { ManualClock, type Clock } from '../clock';
import { configureHttp } from './configure-http';

export function testEnv(overrides: Partial<Env> = {}): Env {
  return {
    httpPort: 0,
    mqttPort: 0,
    dataDir: undefined,
    demo: true,
    adminPassword: 'demo',
    simulator: false,
    logLevel: 'error',
    ...overrides,
  };
}

/** argon2id at a fraction of the production cost: suites hash dozens of passwords on two cores. */
export const TEST_HASH_COST: PasswordHashCost = { memoryCost: 1024, timeCost: 2 };

/** UsersModule's PasswordHasher takes this cost when it is provided (PASSWORD_HASH_COST is optional). */
@Global()
@Module({ providers: [{ provide: PASSWORD_HASH_COST, useValue: TEST_HASH_COST }], exports: [PASSWORD_HASH_COST] })
class TestHashCostModule {}

export interface TestAppOptions {
  /** The modules under test; AuthModule and UsersModule are always there. */
  imports?: ModuleMetadata['imports'];
  controllers?: ModuleMetadata['controllers'];
  providers?: ModuleMetadata['providers'];
  env?: Partial<Env>;
  /** Default: a ManualClock at the real current time (tokens are checked against it). */
  clock?: Clock;
  /** The site files SiteConfigModule serves (default: none). */
  sites?: SiteConfig[];
  /** Share one database between apps (a "restart"); default: a fresh in-memory PGlite, closed with the app. */
  db?: Database;
  /** Run UsersService.seedFromEnv() (default true: demo users operator/supervisor/admin, password "demo"). */
  seed?: boolean;
  logger?: LogLevel[] | false;
}

export interface TestResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, with Content-Type application/json (for malformed bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: INestApplication;
  url: string;
  db: Database;
  env: Env;
  clock: Clock;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<TestResponse<T>>;
  /** A token for the user; the password defaults to env.adminPassword (the seeded users'). */
  login(username: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const env = testEnv(options.env);
  const clock = options.clock ?? new ManualClock(new Date());
  const db = options.db ?? (await openDatabase({}));

  @Module({
    imports: [CoreModule.forRoot({ env, db, clock, sites: options.sites ?? [] }), TestHashCostModule, AuthModule, UsersModule, ...(options.imports ?? [])],
    controllers: options.controllers ?? [],
    providers: options.providers ?? [],
  })
  class TestAppModule {}

  const app = await NestFactory.create(TestAppModule, { logger: options.logger ?? ['error', 'warn'] });
  let url: string;
  try {
    configureHttp(app);
    setupOpenApi(app);
    await app.init();
    if (options.seed !== false) await app.get(UsersService).seedFromEnv();
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  } catch (error) {
    await app.close().catch(() => undefined);
    if (!options.db) await db.close();
    throw error;
  }

  const request = async <T>(method: string, path: string, o: RequestOptions = {}): Promise<TestResponse<T>> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    const body = o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(url + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (Swagger UI HTML): keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  };

  return {
    app,
    url,
    db,
    env,
    clock,
    request,
    async login(username, password = env.adminPassword) {
      const response = await request<LoginResponse>('POST', '/api/auth/login', { body: { username, password } });
      if (response.status !== 200) throw new Error(`login as ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.token;
    },
    async close() {
      await app.close();
      if (!options.db) await db.close();
    },
  };
}
