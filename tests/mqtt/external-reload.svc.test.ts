// Issue 13 point 5 behind MQTT_URL: the site file edited while the server runs on a Mosquitto of
// the test's own (deploy/mosquitto/mosquitto.conf with its dynamic-security plugin), then POST
// /api/sites/reload. The server changes the broker's users through the plugin and its own shard
// subscriptions: an added device is heard at once, a re-keyed or removed one is cut off at once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, deviceUsername, type DeviceDto, type SensorDto } from '@estate-watch/contracts';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { BrokerService } from '../../apps/server/src/broker/broker.service';
import { loadSiteFiles } from '../../apps/server/src/sites/load-site-files';
import type { SiteChange } from '../../apps/server/src/sites/site-diff';
import { testSiteYaml } from '../../apps/server/src/sites/sites.testing';
import { startMosquitto, type OwnMosquitto } from '../support/mosquitto';
import { api, eventually, login, startTestServer } from '../support/server';

const SERVICE = { username: 'estate-server', password: 'svc-Pq8wLm3xZr5t' };
const SECRETS = { gate: 'gate-1-k7Qm2vXp9r', gateRotated: 'gate-1-rotated-W4nZ8sLc', pump: 'pump-1-Zt9Lk2Pq7m' };
const BASE_YAML = testSiteYaml().replace('secret: secret-gate-1', `secret: ${SECRETS.gate}`);

describe('site files reloaded behind MQTT_URL (Mosquitto with the dynamic-security plugin)', () => {
  let dir: string;
  let yaml = BASE_YAML;
  let mosquitto: OwnMosquitto;
  let server: RunningServer;
  let admin: string;
  const clients: MqttClient[] = [];
  let n = 0;

  const edit = (change: (t: string) => string) => {
    yaml = change(yaml);
    writeFileSync(join(dir, 'testsite.yaml'), yaml);
  };
  const reload = async () => {
    const res = await api<{ changes: SiteChange[] }>(server, admin, '/api/sites/reload', { method: 'POST' });
    await server.app.get(BrokerService).reloaded;
    return res;
  };
  /** Connects to Mosquitto as `{site}:{device}`; resolves on CONNACK yes, rejects on a refusal. */
  const device = (id: string, secret: string): Promise<MqttClient> => {
    const client = connect(mosquitto.url, { clientId: `xr-${id}-${++n}`, username: deviceUsername('testsite', id), password: secret, reconnectPeriod: 0 });
    clients.push(client);
    return new Promise((resolve, reject) => {
      client.once('connect', () => resolve(client));
      client.once('error', reject);
      client.once('close', () => reject(new Error('closed before CONNACK')));
    });
  };
  const closed = (client: MqttClient) => new Promise<void>((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ext-reload-'));
    writeFileSync(join(dir, 'testsite.yaml'), yaml);
    const sites = loadSiteFiles(dir).map((s) => s.config);
    mosquitto = await startMosquitto(sites, SERVICE);
    server = await startTestServer({
      sites,
      env: {
        siteConfig: dir,
        mqttUrl: mosquitto.url,
        mqttServiceUsername: SERVICE.username,
        mqttServicePassword: SERVICE.password,
        mqttClientId: `xr-${process.pid}`,
        mqttShards: 3,
        mqttDynsec: true,
        cluster: false,
      },
    });
    admin = (await login(server, 'admin')).token;
  });

  afterAll(async () => {
    for (const c of clients) c.end(true);
    await server?.close();
    await mosquitto?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a device added to the site file can log in to Mosquitto once reloaded, and the server hears it', async () => {
    edit((t) => t.replace('sensors:\n', `sensors:\n  - id: pump-1\n    name: 2号水泵\n    secret: ${SECRETS.pump}\n    limits:\n      pressure_bar: { max: 6 }\n`));
    await expect(device('pump-1', SECRETS.pump)).rejects.toThrow(/Not authorized|closed/);

    expect((await reload()).body.changes).toEqual([{ siteId: 'testsite', section: 'sensors', id: 'pump-1', change: 'added' }]);
    const pump = await device('pump-1', SECRETS.pump);
    await pump.publishAsync(buildTopic({ site: 'testsite', kind: 'sensor', device: 'pump-1', stream: 'telemetry' }), JSON.stringify({ id: `p-${++n}`, ts: new Date().toISOString(), readings: { pressure_bar: 4.2 } }), { qos: 1 });
    const sensors = await eventually(
      async () => (await api<SensorDto[]>(server, admin, '/api/equipment')).body,
      (list) => list.some((s) => s.id === 'pump-1' && s.readings?.pressure_bar === 4.2),
    );
    expect(sensors.find((s) => s.id === 'pump-1')).toBeDefined();
    // still only with its own topics: another device's topic is not delivered
    await expect(device('pump-1', 'pump-1-wrong-secret')).rejects.toThrow(/Not authorized|closed/);
  });

  it('a re-keyed device is disconnected at once; the old secret is refused, the new one works', async () => {
    const gate = await device('gate-1', SECRETS.gate);
    const cut = closed(gate);
    edit((t) => t.replace(`secret: ${SECRETS.gate}`, `secret: ${SECRETS.gateRotated}`));
    expect((await reload()).body.changes).toEqual([{ siteId: 'testsite', section: 'gates', id: 'gate-1', change: 'rekeyed' }]);
    await cut;
    await expect(device('gate-1', SECRETS.gate)).rejects.toThrow(/Not authorized|closed/);
    const again = await device('gate-1', SECRETS.gateRotated);
    await again.publishAsync(buildTopic({ site: 'testsite', kind: 'gate', device: 'gate-1', stream: 'status' }), JSON.stringify({ id: `g-${++n}`, ts: new Date().toISOString(), online: true, fw: '9.9.9' }), { qos: 1 });
    await eventually(
      async () => (await api<DeviceDto[]>(server, admin, '/api/devices')).body,
      (list) => list.some((d) => d.id === 'gate-1' && d.online && d.fw === '9.9.9'),
    );
  });

  it('a removed device is disconnected at once and cannot log in again', async () => {
    const pump = await device('pump-1', SECRETS.pump);
    const cut = closed(pump);
    edit((t) => t.replace(`  - id: pump-1\n    name: 2号水泵\n    secret: ${SECRETS.pump}\n    limits:\n      pressure_bar: { max: 6 }\n`, ''));
    expect((await reload()).body.changes).toEqual([{ siteId: 'testsite', section: 'sensors', id: 'pump-1', change: 'removed' }]);
    await cut;
    await expect(device('pump-1', SECRETS.pump)).rejects.toThrow(/Not authorized|closed/);
  });
});
