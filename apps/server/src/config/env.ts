// Environment is read and validated once; a bad value stops start-up with a message that names it.
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';
import { CONTRACT_TOPIC_LEVELS, DEFAULT_BROKER_LIMITS as LIMITS, LONGEST_CONTRACT_TOPIC, type BrokerLimits } from '../broker/broker-limits';
import { passwordProblem } from '../users/password-policy';

const port = z.coerce.number().int().min(0).max(65535);
const count = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const onOff = z.enum(['on', 'off']);

const EnvSchema = z.object({
  HTTP_PORT: port.default(3000),
  MQTT_PORT: port.default(1883),
  MQTT_URL: z.string().regex(/^(mqtts?|wss?):\/\/[^/]+/, 'MQTT_URL must be a URL such as mqtt://user:pass@host:1883 (mqtt, mqtts, ws or wss)').optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://').optional(),
  DATA_DIR: z.string().default('./data'),
  /** Where PGlite computes: its own worker thread (default), or the server's thread (`main`). */
  PGLITE_THREAD: z.enum(['worker', 'main']).default('worker'),
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
  /** Embedded broker limits (broker/broker-limits.ts says why each default). */
  MQTT_CONNECTIONS_PER_SEC: count(LIMITS.connectionsPerSec),
  MQTT_DEVICE_MESSAGES_PER_SEC: count(LIMITS.deviceMessagesPerSec),
  MQTT_DEVICE_MESSAGE_BURST: count(LIMITS.deviceMessageBurst, 1),
  MQTT_MAX_TOPIC_LENGTH: z.coerce
    .number()
    .int()
    .min(LONGEST_CONTRACT_TOPIC, `MQTT_MAX_TOPIC_LENGTH must be at least ${LONGEST_CONTRACT_TOPIC}, the longest topic CONTRACT §1 allows`)
    .default(LIMITS.maxTopicLength),
  MQTT_MAX_TOPIC_LEVELS: z.coerce
    .number()
    .int()
    .min(CONTRACT_TOPIC_LEVELS, `MQTT_MAX_TOPIC_LEVELS must be at least ${CONTRACT_TOPIC_LEVELS}, the levels of a contract topic`)
    .max(100, 'MQTT_MAX_TOPIC_LEVELS must be at most 100 (aedes cannot match deeper topics)')
    .default(LIMITS.maxTopicLevels),
  MQTT_AUTH_FAILURES_PER_USERNAME: count(LIMITS.authFailuresPerUsername),
  MQTT_AUTH_FAILURES_PER_ADDRESS: count(LIMITS.authFailuresPerAddress),
  MQTT_AUTH_LOCKOUT_SEC: count(LIMITS.authLockoutSec, 1),
  /** Encrypted transport: MQTT over TLS on the embedded broker, and HTTPS when a certificate is set. */
  MQTTS_PORT: port.optional(),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  TLS_CA_FILE: z.string().optional(),
  MQTTS_REQUIRE_CLIENT_CERT: onOff.default('off'),
  /** CA that signed an external broker's certificate (MQTT_URL=mqtts://…), when not a public one. */
  MQTT_CA_FILE: z.string().optional(),
  /** The server's client certificate for an external broker that requires one. */
  MQTT_CERT_FILE: z.string().optional(),
  MQTT_KEY_FILE: z.string().optional(),
  /** Which peers may tell the client's address in X-Forwarded-For (issue 8 point 5). */
  TRUST_PROXY: z.string().transform(parseTrustProxy).optional(),
  /** Origins besides the dashboard's own that may open the live socket (issue 8 point 6). */
  ALLOWED_ORIGINS: z.string().transform(parseOrigins).optional(),
  /** Several servers (issue 11, cluster/README.md). */
  MQTT_DYNSEC: onOff.default('on'),
  CLUSTER: onOff.optional(),
  CLUSTER_LEASE_SEC: z.coerce.number().min(2, 'CLUSTER_LEASE_SEC must be at least 2 (seconds)').max(300, 'CLUSTER_LEASE_SEC must be at most 300 (seconds)').default(8),
  CLUSTER_NODE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'CLUSTER_NODE_ID: 1-32 letters, digits, _ or -').optional(),
  MQTT_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,16}$/, 'MQTT_CLIENT_ID: 1-16 letters, digits, _ or - (a shard\'s client id adds -{shard} and must stay within the 23 characters every MQTT 3.1.1 broker accepts)')
    .default('estate-watch'),
  MQTT_SHARDS: z.coerce.number().int().min(1, 'MQTT_SHARDS must be at least 1').max(64, 'MQTT_SHARDS must be at most 64').default(12),
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
  /** PGlite in a worker thread (undefined: yes) or on the server's own thread. */
  pgliteThread?: 'worker' | 'main';
  influxUrl?: string;
  /** Path of a site file or folder; undefined: the bundled demo site. */
  siteConfig?: string;
  demo: boolean;
  adminPassword: string;
  /** Whether npm start runs the simulator beside this server (CONTRACT §7); the server itself never does (main.ts ServerReady). */
  simulator: boolean;
  jwtSecret?: string;
  mqttServiceUsername?: string;
  mqttServicePassword?: string;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** Unset fields: DEFAULT_BROKER_LIMITS. */
  brokerLimits?: Partial<BrokerLimits>;
  /** Embedded broker's MQTT-over-TLS port; unset: no TLS listener. */
  mqttsPort?: number;
  /** PEM files. Certificate and key set: HTTPS on HTTP_PORT, and MQTTS_PORT may be used. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** CA for client certificates on MQTTS_PORT. */
  tlsCaFile?: string;
  /** With tlsCaFile: a client without a certificate it signed is refused at the handshake. */
  mqttsRequireClientCert?: boolean;
  mqttCaFile?: string;
  mqttCertFile?: string;
  mqttKeyFile?: string;
  /** Express's `trust proxy`: false (default) uses the TCP peer as the client's address. */
  trustProxy?: false | number | string[];
  /** Origins besides the dashboard's own (same host) allowed to open the live socket. */
  allowedOrigins?: string[];
  /** Several servers share the work (cluster/): on by default with both MQTT_URL and DATABASE_URL. */
  cluster?: boolean;
  /** How long a lease lasts unrenewed: the longest a dead server's work waits for a taker. */
  clusterLeaseMs?: number;
  /** This server's name among the lease holders; unset: a random one per start. */
  clusterNodeId?: string;
  /** Prefix of the client ids on an external broker: shard i is `{mqttClientId}-{i}` on every server. */
  mqttClientId?: string;
  /** Connections (and persistent sessions) the devices are spread over on an external broker. */
  mqttShards?: number;
  /** Behind MQTT_URL: a reload of the site files changes the broker's dynamic-security users (MQTT_DYNSEC, on by default). */
  mqttDynsec?: boolean;
  /** How long POST /api/gates/{id}/open waits for the gate's ack; no variable (tests shorten it). Unset: 10 s. */
  gateAckTimeoutMs?: number;
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
  const tlsProblem = tlsSettingsProblem(e);
  if (tlsProblem) throw new EnvError(`Invalid environment:\n  ${tlsProblem}`);
  const file = (path: string | undefined) => (path === undefined ? undefined : resolve(path));
  // Issue 8 point 8: a real site's admin password is long and not a common one.
  const weakness = demo ? undefined : passwordProblem(e.ADMIN_PASSWORD ?? '');
  if (weakness) throw new EnvError(`ADMIN_PASSWORD is refused: ${weakness}`);
  // PGlite is one process's own database, and the embedded broker one process's own broker.
  if (e.CLUSTER === 'on' && (e.DATABASE_URL === undefined || e.MQTT_URL === undefined)) {
    throw new EnvError('CLUSTER=on needs DATABASE_URL and MQTT_URL: several servers share one PostgreSQL and one external broker; PGlite and the embedded broker belong to a single server');
  }
  return {
    httpPort: e.HTTP_PORT,
    mqttPort: e.MQTT_PORT,
    mqttUrl: e.MQTT_URL,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.DATA_DIR),
    pgliteThread: e.PGLITE_THREAD,
    influxUrl: e.INFLUX_URL,
    siteConfig: e.SITE_CONFIG === undefined ? undefined : resolve(e.SITE_CONFIG),
    demo,
    adminPassword: e.ADMIN_PASSWORD ?? 'demo',
    simulator: e.SIMULATOR === undefined ? demo : e.SIMULATOR === 'on',
    jwtSecret: e.JWT_SECRET,
    mqttServiceUsername: e.MQTT_SERVICE_USERNAME,
    mqttServicePassword: e.MQTT_SERVICE_PASSWORD,
    logLevel: e.LOG_LEVEL,
    brokerLimits: {
      connectionsPerSec: e.MQTT_CONNECTIONS_PER_SEC,
      deviceMessagesPerSec: e.MQTT_DEVICE_MESSAGES_PER_SEC,
      deviceMessageBurst: e.MQTT_DEVICE_MESSAGE_BURST,
      maxTopicLength: e.MQTT_MAX_TOPIC_LENGTH,
      maxTopicLevels: e.MQTT_MAX_TOPIC_LEVELS,
      authFailuresPerUsername: e.MQTT_AUTH_FAILURES_PER_USERNAME,
      authFailuresPerAddress: e.MQTT_AUTH_FAILURES_PER_ADDRESS,
      authLockoutSec: e.MQTT_AUTH_LOCKOUT_SEC,
    },
    mqttsPort: e.MQTTS_PORT,
    tlsCertFile: file(e.TLS_CERT_FILE),
    tlsKeyFile: file(e.TLS_KEY_FILE),
    tlsCaFile: file(e.TLS_CA_FILE),
    mqttsRequireClientCert: e.MQTTS_REQUIRE_CLIENT_CERT === 'on',
    mqttCaFile: file(e.MQTT_CA_FILE),
    mqttCertFile: file(e.MQTT_CERT_FILE),
    mqttKeyFile: file(e.MQTT_KEY_FILE),
    trustProxy: e.TRUST_PROXY ?? false,
    allowedOrigins: e.ALLOWED_ORIGINS ?? [],
    cluster: e.CLUSTER === undefined ? e.DATABASE_URL !== undefined && e.MQTT_URL !== undefined : e.CLUSTER === 'on',
    clusterLeaseMs: e.CLUSTER_LEASE_SEC * 1000,
    clusterNodeId: e.CLUSTER_NODE_ID,
    mqttClientId: e.MQTT_CLIENT_ID,
    mqttShards: e.MQTT_SHARDS,
    mqttDynsec: e.MQTT_DYNSEC === 'on',
  };
}

/** TLS variables that only make sense together. */
function tlsSettingsProblem(e: z.infer<typeof EnvSchema>): string | undefined {
  if ((e.TLS_CERT_FILE === undefined) !== (e.TLS_KEY_FILE === undefined)) return 'TLS_CERT_FILE and TLS_KEY_FILE: set both (certificate and its private key) or neither';
  if (e.MQTTS_PORT !== undefined && e.TLS_CERT_FILE === undefined) return 'MQTTS_PORT needs TLS_CERT_FILE and TLS_KEY_FILE';
  if (e.TLS_CA_FILE !== undefined && e.MQTTS_PORT === undefined) return 'TLS_CA_FILE (client certificates) is used on MQTTS_PORT only: set MQTTS_PORT too';
  if (e.MQTTS_REQUIRE_CLIENT_CERT === 'on' && e.TLS_CA_FILE === undefined) return 'MQTTS_REQUIRE_CLIENT_CERT=on needs TLS_CA_FILE, the CA that signs the client certificates';
  if ((e.MQTT_CERT_FILE === undefined) !== (e.MQTT_KEY_FILE === undefined)) return 'MQTT_CERT_FILE and MQTT_KEY_FILE: set both (the server\'s client certificate and its key) or neither';
  const overTls = e.MQTT_URL?.startsWith('mqtts://') || e.MQTT_URL?.startsWith('wss://');
  for (const name of ['MQTT_CA_FILE', 'MQTT_CERT_FILE'] as const) {
    if (e[name] !== undefined && !overTls) return `${name} is for an external broker over TLS: MQTT_URL must start with mqtts:// or wss://`;
  }
  return undefined;
}

export const ENV = Symbol('ENV');
