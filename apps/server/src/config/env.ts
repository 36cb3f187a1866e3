// Environment is read and validated once; a bad value stops start-up with a message that names it.
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';
import { passwordProblem } from '../users/password-policy';

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
  /** Which peers may tell the client's address in X-Forwarded-For (issue 8 point 5). */
  TRUST_PROXY: z.string().transform(parseTrustProxy).optional(),
  /** Origins besides the dashboard's own that may open the live socket (issue 8 point 6). */
  ALLOWED_ORIGINS: z.string().transform(parseOrigins).optional(),
});

const NAMED_SUBNETS = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `TRUST_PROXY`: a hop count (`1` = one reverse proxy in front) or a comma list of the proxies'
 * addresses, CIDR ranges or Express's names (loopback, linklocal, uniquelocal). `true` is refused:
 * it takes the left-most X-Forwarded-For entry, which the client writes itself, so anyone could
 * pick the address their failed sign-ins count against.
 */
function parseTrustProxy(value: string, ctx: z.RefinementCtx): false | number | string[] {
  const v = value.trim();
  if (v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  if (v === 'true') {
    ctx.addIssue({ code: 'custom', message: 'true would trust any X-Forwarded-For a client sends: give the number of proxies in front (e.g. 1) or their addresses' });
    return z.NEVER;
  }
  const entries = v.split(',').map((e) => e.trim()).filter(Boolean);
  const bad = entries.filter((e) => !NAMED_SUBNETS.includes(e) && !isAddressOrRange(e));
  if (bad.length > 0 || entries.length === 0) {
    ctx.addIssue({ code: 'custom', message: `not a hop count, address, CIDR range or one of ${NAMED_SUBNETS.join(', ')}: ${bad.join(', ') || '(empty)'}` });
    return z.NEVER;
  }
  return entries;
}

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** `ALLOWED_ORIGINS`: comma list of origins such as https://ops.example.com (scheme, host, port; no path). */
function parseOrigins(value: string, ctx: z.RefinementCtx): string[] {
  const origins: string[] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== entry.replace(/\/$/, '')) {
      ctx.addIssue({ code: 'custom', message: `${entry} is not an origin: write scheme, host and port only, e.g. https://ops.example.com` });
      return z.NEVER;
    }
    origins.push(url.origin);
  }
  return origins;
}

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
  /** Express's `trust proxy`: false (default) uses the TCP peer as the client's address. */
  trustProxy?: false | number | string[];
  /** Origins besides the dashboard's own (same host) allowed to open the live socket. */
  allowedOrigins?: string[];
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
  // Issue 8 point 8: a real site's admin password is long and not a common one.
  const weakness = demo ? undefined : passwordProblem(e.ADMIN_PASSWORD ?? '');
  if (weakness) throw new EnvError(`ADMIN_PASSWORD is refused: ${weakness}`);
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
    trustProxy: e.TRUST_PROXY ?? false,
    allowedOrigins: e.ALLOWED_ORIGINS ?? [],
  };
}

export const ENV = Symbol('ENV');
