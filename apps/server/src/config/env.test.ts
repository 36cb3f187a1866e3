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
  ])('refuses $source naming the variable', ({ source, error }) => {
    expect(() => readEnv(source)).toThrow(EnvError);
    expect(() => readEnv(source)).toThrow(error);
  });

  it.each([
    { source: { SITE_CONFIG: 'sites/', ADMIN_PASSWORD: 'Str0ng!' }, simulator: false },
    { source: { SITE_CONFIG: 'sites/', ADMIN_PASSWORD: 'Str0ng!', SIMULATOR: 'on' }, simulator: true },
    { source: { SIMULATOR: 'off' }, simulator: false },
  ])('simulator with $source → $simulator', ({ source, simulator }) => {
    expect(readEnv(source).simulator).toBe(simulator);
  });

  it('a site of our own takes ADMIN_PASSWORD as the admin password and is not the demo', () => {
    expect(readEnv({ SITE_CONFIG: 'sites/', ADMIN_PASSWORD: 'Str0ng!' })).toMatchObject({ demo: false, adminPassword: 'Str0ng!' });
  });

  it('treats an empty variable as unset', () => {
    expect(readEnv({ MQTT_URL: '', HTTP_PORT: '' })).toMatchObject({ mqttUrl: undefined, httpPort: 3000 });
  });
});
