// Environment is read and validated once; a bad value stops start-up with a message that names it.
import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

const EnvSchema = z.object({
  HTTP_PORT: port.default(3000),
  MQTT_PORT: port.default(1883),
  MQTT_URL: z.string().regex(/^(mqtts?|wss?):\/\/[^/]+/, 'MQTT_URL must be a URL such as mqtt://user:pass@host:1883 (mqtt, mqtts, ws or wss)').optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://').optional(),
  DATA_DIR: z.string().default('./data'),
  INFLUX_URL: z.string().url('INFLUX_URL must be a URL such as http://localhost:8086/estate').optional(),
  SITE_CONFIG: z.string().optional(),
  ADMIN_PASSWORD: z.string().min(1).optional(),
  SIMULATOR: z.enum(['on', 'off']).optional(),
  /** Signs login tokens. Unset: a random one per data directory, kept in the database. */
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  /** Service account the server uses on an external broker (CONTRACT §1). */
  MQTT_SERVICE_USERNAME: z.string().optional(),
  MQTT_SERVICE_PASSWORD: z.string().optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export interface Env {
  httpPort: number;
  mqttPort: number;
  mqttUrl?: string;
  databaseUrl?: string;
  /** undefined: PGlite in memory (tests only). */
  dataDir?: string;
  influxUrl?: string;
  /** Path of a site file or folder; undefined: the bundled demo site. */
  siteConfig?: string;
  demo: boolean;
  adminPassword: string;
  simulator: boolean;
  jwtSecret?: string;
  mqttServiceUsername?: string;
  mqttServicePassword?: string;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
}

export class EnvError extends Error {}

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const blank = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = EnvSchema.safeParse(blank);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const demo = e.SITE_CONFIG === undefined;
  // CONTRACT §7: outside the demo the admin password must be chosen, never defaulted.
  if (!demo && e.ADMIN_PASSWORD === undefined) {
    throw new EnvError('ADMIN_PASSWORD is required when SITE_CONFIG is set (it becomes the admin user\'s password)');
  }
  return {
    httpPort: e.HTTP_PORT,
    mqttPort: e.MQTT_PORT,
    mqttUrl: e.MQTT_URL,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.DATA_DIR),
    influxUrl: e.INFLUX_URL,
    siteConfig: e.SITE_CONFIG === undefined ? undefined : resolve(e.SITE_CONFIG),
    demo,
    adminPassword: e.ADMIN_PASSWORD ?? 'demo',
    simulator: e.SIMULATOR === undefined ? demo : e.SIMULATOR === 'on',
    jwtSecret: e.JWT_SECRET,
    mqttServiceUsername: e.MQTT_SERVICE_USERNAME,
    mqttServicePassword: e.MQTT_SERVICE_PASSWORD,
    logLevel: e.LOG_LEVEL,
  };
}

export const ENV = Symbol('ENV');
