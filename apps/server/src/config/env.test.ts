import { describe, expect, it } from 'vitest';
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
});
