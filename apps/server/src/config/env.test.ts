import { describe, expect, it } from 'vitest';
import { DEFAULT_BROKER_LIMITS } from '../broker/broker-limits';
import { EnvError, readEnv } from './env';

// CONTRACT §7 — running: defaults, the demo rule and ADMIN_PASSWORD.
describe(readEnv.name, () => {
  it('with nothing set it is the demo: ports 3000/1883, PGlite in ./data, simulator on, password demo', () => {
    const env = readEnv({});
    expect(env).toMatchObject({ httpPort: 3000, mqttPort: 1883, demo: true, simulator: true, adminPassword: 'demo', mqttUrl: undefined, databaseUrl: undefined });
    expect(env.dataDir).toMatch(/\/data$/);
  });

  it.each([
    { source: { SITE_CONFIG: 'sites/' }, error: 'ADMIN_PASSWORD is required when SITE_CONFIG is set' },
    { source: { HTTP_PORT: 'eighty' }, error: 'HTTP_PORT' },
    { source: { MQTT_PORT: '70000' }, error: 'MQTT_PORT' },
    { source: { MQTT_URL: 'localhost:1883' }, error: 'MQTT_URL must be a URL' },
    { source: { DATABASE_URL: 'mysql://x' }, error: 'DATABASE_URL must start with postgres://' },
    { source: { SIMULATOR: 'yes' }, error: 'SIMULATOR' },
    { source: { JWT_SECRET: 'short' }, error: 'JWT_SECRET must be at least 32 characters' },
    { source: { MQTT_CONNECTIONS_PER_SEC: '-1' }, error: 'MQTT_CONNECTIONS_PER_SEC' },
    { source: { MQTT_DEVICE_MESSAGE_BURST: '0' }, error: 'MQTT_DEVICE_MESSAGE_BURST' },
    { source: { MQTT_MAX_TOPIC_LENGTH: '127' }, error: 'MQTT_MAX_TOPIC_LENGTH must be at least 128' },
    { source: { MQTT_MAX_TOPIC_LEVELS: '5' }, error: 'MQTT_MAX_TOPIC_LEVELS must be at least 6' },
    { source: { MQTT_AUTH_LOCKOUT_SEC: 'soon' }, error: 'MQTT_AUTH_LOCKOUT_SEC' },
    { source: { TLS_CERT_FILE: 'c.pem' }, error: 'TLS_CERT_FILE and TLS_KEY_FILE: set both' },
    { source: { MQTTS_PORT: '8883' }, error: 'MQTTS_PORT needs TLS_CERT_FILE' },
    { source: { TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: 'k.pem', TLS_CA_FILE: 'ca.pem' }, error: 'TLS_CA_FILE (client certificates) is used on MQTTS_PORT only' },
    { source: { TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: 'k.pem', MQTTS_PORT: '8883', MQTTS_REQUIRE_CLIENT_CERT: 'on' }, error: 'MQTTS_REQUIRE_CLIENT_CERT=on needs TLS_CA_FILE' },
    { source: { MQTT_URL: 'mqtt://broker:1883', MQTT_CA_FILE: 'ca.pem' }, error: 'MQTT_CA_FILE is for an external broker over TLS: MQTT_URL must start with mqtts://' },
    { source: { MQTT_URL: 'mqtts://broker:8883', MQTT_CERT_FILE: 'c.pem' }, error: 'MQTT_CERT_FILE and MQTT_KEY_FILE: set both' },
    { source: { MQTT_URL: 'mqtt://broker:1883', MQTT_CERT_FILE: 'c.pem', MQTT_KEY_FILE: 'k.pem' }, error: 'MQTT_CERT_FILE is for an external broker over TLS' },
    { source: { TRUST_PROXY: 'true' }, error: 'TRUST_PROXY: true would trust any X-Forwarded-For' },
    { source: { TRUST_PROXY: '10.0.0.0/33' }, error: 'TRUST_PROXY: not a hop count, address, CIDR range' },
    { source: { TRUST_PROXY: 'proxy.internal' }, error: 'proxy.internal' },
    { source: { ALLOWED_ORIGINS: 'https://ops.example.com/dashboard' }, error: 'ALLOWED_ORIGINS: https://ops.example.com/dashboard is not an origin' },
    { source: { ALLOWED_ORIGINS: 'ops.example.com' }, error: 'ALLOWED_ORIGINS: ops.example.com is not an origin' },
  ])('refuses $source naming the variable', ({ source, error }) => {
    expect(() => readEnv(source)).toThrow(EnvError);
    expect(() => readEnv(source)).toThrow(error);
  });

  it.each([
    { source: { SITE_CONFIG: 'sites/', ADMIN_PASSWORD: 'Lakeside-Night-Shift' }, simulator: false },
    { source: { SITE_CONFIG: 'sites/', ADMIN_PASSWORD: 'Lakeside-Night-Shift', SIMULATOR: 'on' }, simulator: true },
    { source: { SIMULATOR: 'off' }, simulator: false },
  ])('simulator with $source → $simulator', ({ source, simulator }) => {
    expect(readEnv(source).simulator).toBe(simulator);
  });

  it('a site of our own takes ADMIN_PASSWORD as the admin password and is not the demo', () => {
    expect(readEnv({ SITE_CONFIG: 'sites/', ADMIN_PASSWORD: 'Lakeside-Night-Shift' })).toMatchObject({ demo: false, adminPassword: 'Lakeside-Night-Shift' });
  });

  it('has the broker limits of broker-limits.ts by default, and takes each from the environment', () => {
    expect(readEnv({}).brokerLimits).toEqual(DEFAULT_BROKER_LIMITS);
    const env = readEnv({ MQTT_CONNECTIONS_PER_SEC: '5', MQTT_DEVICE_MESSAGES_PER_SEC: '0', MQTT_AUTH_FAILURES_PER_ADDRESS: '100', MQTT_MAX_TOPIC_LENGTH: '512' });
    expect(env.brokerLimits).toMatchObject({ connectionsPerSec: 5, deviceMessagesPerSec: 0, authFailuresPerAddress: 100, maxTopicLength: 512 });
  });

  it('takes a TLS setup: certificate and key, MQTTS port, client CA required, paths made absolute', () => {
    const env = readEnv({ TLS_CERT_FILE: 'tls/c.pem', TLS_KEY_FILE: 'tls/k.pem', MQTTS_PORT: '8883', TLS_CA_FILE: 'tls/ca.pem', MQTTS_REQUIRE_CLIENT_CERT: 'on' });
    expect(env).toMatchObject({ mqttsPort: 8883, mqttsRequireClientCert: true, tlsCertFile: expect.stringMatching(/^\/.*tls\/c\.pem$/) });
    expect(readEnv({ MQTT_URL: 'mqtts://broker:8883', MQTT_CA_FILE: 'ca.pem' }).mqttCaFile).toMatch(/^\/.*ca\.pem$/);
  });

  it('treats an empty variable as unset', () => {
    expect(readEnv({ MQTT_URL: '', HTTP_PORT: '' })).toMatchObject({ mqttUrl: undefined, httpPort: 3000 });
  });

  // Issue 8 point 5: X-Forwarded-For counts only from proxies named here.
  it.each([
    { value: undefined, trustProxy: false },
    { value: '1', trustProxy: 1 },
    { value: 'false', trustProxy: false },
    { value: 'loopback', trustProxy: ['loopback'] },
    { value: '10.0.0.1, 10.8.0.0/16, ::1', trustProxy: ['10.0.0.1', '10.8.0.0/16', '::1'] },
  ])('TRUST_PROXY=$value → $trustProxy', ({ value, trustProxy }) => {
    expect(readEnv(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toEqual(trustProxy);
  });

  it('ALLOWED_ORIGINS is a comma list of origins (unset: only the dashboard\'s own)', () => {
    expect(readEnv({}).allowedOrigins).toEqual([]);
    expect(readEnv({ ALLOWED_ORIGINS: 'https://ops.example.com, http://localhost:5173/' }).allowedOrigins).toEqual(['https://ops.example.com', 'http://localhost:5173']);
  });

  // Issue 8 point 8: outside the demo the admin password is 12+ characters and not a common one.
  it.each([
    { password: 'Str0ng!', error: 'ADMIN_PASSWORD is refused: at least 12 characters are needed (this one has 7)' },
    { password: 'qwertyuiop123', error: 'ADMIN_PASSWORD is refused: it is on a list of' },
    { password: 'Password2024!', error: 'ADMIN_PASSWORD is refused: it is a common password ("password"' },
  ])('outside the demo refuses ADMIN_PASSWORD=$password', ({ password, error }) => {
    expect(() => readEnv({ SITE_CONFIG: 'sites/', ADMIN_PASSWORD: password })).toThrow(error);
  });

  it('the demo keeps its short password: ADMIN_PASSWORD=demo is fine there', () => {
    expect(readEnv({ ADMIN_PASSWORD: 'demo' }).adminPassword).toBe('demo');
  });

  it.each([
    { env: { MQTT_URL: 'mqtt://b:1883', DATABASE_URL: 'postgres://h/db' }, cluster: true },
    { env: { MQTT_URL: 'mqtt://b:1883' }, cluster: false },
    { env: { DATABASE_URL: 'postgres://h/db' }, cluster: false },
    { env: { MQTT_URL: 'mqtt://b:1883', DATABASE_URL: 'postgres://h/db', CLUSTER: 'off' }, cluster: false },
  ])('several servers share the work with both MQTT_URL and DATABASE_URL unless CLUSTER=off: $env → $cluster', ({ env, cluster }) => {
    expect(readEnv(env).cluster).toBe(cluster);
  });

  it.each([
    { env: { CLUSTER: 'on', MQTT_URL: 'mqtt://b:1883' }, problem: 'CLUSTER=on needs DATABASE_URL and MQTT_URL' },
    { env: { MQTT_CLIENT_ID: 'a-client-id-of-twenty' }, problem: 'MQTT_CLIENT_ID: 1-16' },
    { env: { CLUSTER_LEASE_SEC: '1' }, problem: 'CLUSTER_LEASE_SEC must be at least 2' },
    { env: { MQTT_SHARDS: '0' }, problem: 'MQTT_SHARDS must be at least 1' },
  ])('refuses $env', ({ env, problem }) => {
    expect(() => readEnv(env)).toThrow(problem);
  });

  it('lease 8 s, 12 shards and client ids estate-watch-{shard} by default, never the host name', () => {
    expect(readEnv({})).toMatchObject({ clusterLeaseMs: 8_000, mqttShards: 12, mqttClientId: 'estate-watch' });
  });
});
