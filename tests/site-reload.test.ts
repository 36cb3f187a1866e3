// Issue 13 point 5 end to end: the site file edited while the server runs, then POST
// /api/sites/reload. Real MQTT clients over TCP to the embedded broker, HTTP out.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as argon2 from 'argon2';
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, deviceUsername, type AlertDto, type AuditPageDto, type RoundDto, type SensorDto } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { BrokerService } from '../apps/server/src/broker/broker.service';
import { ManualClock } from '../apps/server/src/common/clock';
import { loadSiteFiles } from '../apps/server/src/sites/load-site-files';
import type { SiteFileProblem } from '../apps/server/src/sites/load-site-files';
import type { SiteChange } from '../apps/server/src/sites/site-diff';
import { testSiteYaml } from '../apps/server/src/sites/sites.testing';
import { api, eventually, login, startTestServer } from './support/server';

// Device secrets of 12+ characters, none of them common.
const SECRETS = {
  gate: 'gate-1-k7Qm2vXp9r',
  gateRotated: 'gate-1-rotated-W4nZ8sLc',
  soap: 'soap-1-Jd5tR8yBq2',
  boiler: 'boiler-1-Hf3Nx6Vw1e',
  pump: 'pump-1-Zt9Lk2Pq7m',
};
const BASE_YAML = testSiteYaml().replace('secret: secret-gate-1', `secret: ${SECRETS.gate}`)
  .replace('secret: secret-soap-1', `secret: ${SECRETS.soap}`)
  .replace('secret: secret-boiler-1', `secret: ${SECRETS.boiler}`);
// 08:00 in Shanghai: the 09:30 round of today is planned and not started.
const START = '2026-12-04T00:00:00.000Z';

describe('site files reloaded without a restart (POST /api/sites/reload)', () => {
  let dir: string;
  let file: string;
  let yaml = BASE_YAML;
  let server: RunningServer;
  let clock: ManualClock;
  let admin: string;
  let operator: string;
  let supervisor: string;
  const clients: MqttClient[] = [];
  let n = 0;

  const write = (text: string, name = 'testsite.yaml') => writeFileSync(join(dir, name), text);
  const edit = (change: (t: string) => string) => {
    yaml = change(yaml);
    write(yaml);
  };
  const reload = (token = admin) => api<{ revision: number; changes: SiteChange[]; disconnected: unknown[]; problems?: SiteFileProblem[]; message?: string }>(server, token, '/api/sites/reload', { method: 'POST' });

  /** Connects as `{site}:{device}`; resolves once CONNACK said yes, rejects on a refusal. */
  const device = (kind: 'gate' | 'dispenser' | 'sensor', id: string, secret: string): Promise<MqttClient> => {
    const client = connect(`mqtt://127.0.0.1:${server.mqttPort}`, {
      clientId: `reload-${id}-${++n}`,
      username: deviceUsername('testsite', id),
      password: secret,
      reconnectPeriod: 0,
      will: { topic: buildTopic({ site: 'testsite', kind, device: id, stream: 'status' }), payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    clients.push(client);
    return new Promise((resolve, reject) => {
      client.once('connect', () => resolve(client));
      client.once('error', reject);
      client.once('close', () => reject(new Error('closed before CONNACK')));
    });
  };
  const closed = (client: MqttClient) => new Promise<void>((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));
  const send = (client: MqttClient, kind: 'sensor', id: string, body: Record<string, unknown>) =>
    client.publishAsync(buildTopic({ site: 'testsite', kind, device: id, stream: 'telemetry' }), JSON.stringify({ id: `m-${++n}`, ts: clock.now().toISOString(), ...body }), { qos: 1 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'site-reload-'));
    file = join(dir, 'testsite.yaml');
    write(yaml);
    clock = new ManualClock(START);
    server = await startTestServer({ clock, sites: loadSiteFiles(dir).map((s) => s.config), env: { siteConfig: dir }, patrolSweepIntervalMs: 50 });
    [admin, operator, supervisor] = await Promise.all(['admin', 'operator', 'supervisor'].map(async (u) => (await login(server, u)).token)) as [string, string, string];
  });

  afterAll(async () => {
    for (const c of clients) c.end(true);
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an operator and a supervisor (403): only an admin reloads', async () => {
    expect((await reload(operator)).status).toBe(403);
    expect((await reload(supervisor)).status).toBe(403);
  });

  it('with nothing edited, answers that nothing changed', async () => {
    const res = await reload();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ revision: 0, changes: [], disconnected: [] });
  });

  it('a device added (with a secretHash) can connect once reloaded, and its messages are applied', async () => {
    // OWASP's minimum cost, as the README recommends for device secrets.
    const hash = await argon2.hash(SECRETS.pump, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    edit((t) => t.replace('sensors:\n', `sensors:\n  - id: pump-1\n    name: 2号水泵\n    secretHash: '${hash}'\n    limits:\n      pressure_bar: { max: 6 }\n`));
    await expect(device('sensor', 'pump-1', SECRETS.pump)).rejects.toThrow(/Not authorized/);

    const res = await reload();
    expect(res.status).toBe(200);
    expect(res.body.changes).toEqual([{ siteId: 'testsite', section: 'sensors', id: 'pump-1', change: 'added' }]);

    const pump = await device('sensor', 'pump-1', SECRETS.pump);
    await send(pump, 'sensor', 'pump-1', { readings: { pressure_bar: 7.5 } });
    const alerts = await eventually(
      async () => (await api<AlertDto[]>(server, operator, '/api/alerts?type=sensor.threshold')).body,
      (a) => a.some((x) => x.subject === 'pump-1:pressure_bar'),
    );
    expect(alerts.find((x) => x.subject === 'pump-1:pressure_bar')).toMatchObject({ status: 'active' });
    await expect(device('sensor', 'pump-1', 'pump-1-wrong-secret')).rejects.toThrow(/Not authorized/);
  });

  it('a hashed secret is verified once: reconnecting does not run argon2 again', async () => {
    const broker = server.app.get(BrokerService);
    const before = broker.hashVerifications;
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) (await device('sensor', 'pump-1', SECRETS.pump)).end(true);
    expect(broker.hashVerifications).toBe(before);
  });

  it('a rotated secret cuts the old session at once; the new secret works, the old does not', async () => {
    const old = await device('gate', 'gate-1', SECRETS.gate);
    const cut = closed(old);
    edit((t) => t.replace(`secret: ${SECRETS.gate}`, `secret: ${SECRETS.gateRotated}`));
    const res = await reload();
    expect(res.body.changes).toEqual([{ siteId: 'testsite', section: 'gates', id: 'gate-1', change: 'rekeyed' }]);
    expect(res.body.disconnected).toEqual([{ siteId: 'testsite', deviceId: 'gate-1', why: 'rekeyed' }]);
    await cut;
    expect(old.connected).toBe(false);
    await expect(device('gate', 'gate-1', SECRETS.gate)).rejects.toThrow(/Not authorized/);
    expect((await device('gate', 'gate-1', SECRETS.gateRotated)).connected).toBe(true);
  });

  it('a removed device is disconnected at once and can no longer connect', async () => {
    const soap = await device('dispenser', 'soap-1', SECRETS.soap);
    const cut = closed(soap);
    edit((t) => t.replace(/dispensers:\n {2}- \{ id: soap-1.*\n/, 'dispensers: []\n'));
    const res = await reload();
    expect(res.body.changes).toEqual([{ siteId: 'testsite', section: 'dispensers', id: 'soap-1', change: 'removed' }]);
    await cut;
    await expect(device('dispenser', 'soap-1', SECRETS.soap)).rejects.toThrow(/Not authorized/);
  });

  it('a changed limit judges the next reading by the new limit', async () => {
    const boiler = await device('sensor', 'boiler-1', SECRETS.boiler);
    const thresholds = async () => (await api<AlertDto[]>(server, operator, '/api/alerts?type=sensor.threshold')).body.filter((a) => a.subject === 'boiler-1:temperature_c');
    const sensor = async () => (await api<SensorDto[]>(server, operator, '/api/equipment')).body.find((s) => s.id === 'boiler-1')!;
    await send(boiler, 'sensor', 'boiler-1', { readings: { temperature_c: 75 } });
    await eventually(sensor, (s) => s.readings.temperature_c === 75);
    expect(await thresholds()).toEqual([]); // under max 85

    edit((t) => t.replace('temperature_c: { min: 40, max: 85, forSec: 30, hysteresis: 2 }', 'temperature_c: { min: 40, max: 70, forSec: 0, hysteresis: 2 }'));
    const res = await reload();
    expect(res.body.changes).toEqual([{ siteId: 'testsite', section: 'limits', id: 'boiler-1.temperature_c', change: 'changed' }]);
    expect((await sensor()).limits.find((l) => l.metric === 'temperature_c')).toMatchObject({ max: 70, forSec: 0 });

    clock.advance(1_000);
    await send(boiler, 'sensor', 'boiler-1', { readings: { temperature_c: 75 } });
    const [alert] = await eventually(thresholds, (a) => a.length === 1);
    expect(alert).toMatchObject({ status: 'active', details: { value: 75, breach: 'max', limit: { max: 70 } } });
  });

  it('a route change re-plans the rounds not yet started', async () => {
    const rounds = async () => (await api<RoundDto[]>(server, operator, '/api/patrol/rounds?date=2026-12-04')).body.filter((r) => r.routeId === 'r1');
    const [before] = await eventually(rounds, (r) => r.length === 1);
    expect(before!.start).toBe('2026-12-04T01:30:00.000Z'); // 09:30 in Shanghai
    edit((t) => t.replace('schedule: ["09:30"]', 'schedule: ["10:00"]'));
    expect((await reload()).body.changes).toEqual([{ siteId: 'testsite', section: 'routes', id: 'r1', change: 'changed' }]);
    const after = await eventually(rounds, (r) => r.length === 1 && r[0]!.start === '2026-12-04T02:00:00.000Z');
    expect(after[0]!.status).toBe('scheduled');
  });

  it('a bad file changes nothing, and the answer lists every problem with its file and line', async () => {
    const good = yaml;
    edit((t) => t.replace('schedule: ["10:00"]', 'schedule: ["10:00"], tolerenceMin: 5').replace('lot: lot-1,', 'lot: lot-9,').replace(`secret: ${SECRETS.gateRotated}`, 'secret: gate-1-never-in-force'));
    write('site: { id: other, name: 其他, timezone: Asia/Shanghai\n', 'other.yaml');
    const res = await reload();
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/nothing changed/);
    const problems = res.body.problems!;
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        { file, line: expect.any(Number), problem: 'routes[0].tolerenceMin: unknown key, did you mean toleranceMin?' },
        { file, line: expect.any(Number), problem: 'gates[0].lot: no lot "lot-9"' },
        expect.objectContaining({ file: join(dir, 'other.yaml'), problem: expect.stringMatching(/^YAML:/) }),
      ]),
    );
    const line = (text: string) => yaml.split('\n').findIndex((l) => l.includes(text)) + 1;
    expect(problems.find((p) => p.problem.startsWith('gates[0].lot'))!.line).toBe(line('lot: lot-9'));
    // Nothing changed: the secret in force is still the rotated one.
    await expect(device('gate', 'gate-1', 'gate-1-never-in-force')).rejects.toThrow(/Not authorized/);
    expect((await device('gate', 'gate-1', SECRETS.gateRotated)).connected).toBe(true);

    rmSync(join(dir, 'other.yaml'));
    yaml = good;
    write(yaml);
    expect((await reload()).body.changes).toEqual([]);
  });

  it('a site gone from the files (removed or renamed) is refused and changes nothing', async () => {
    write(yaml.replace('id: testsite', 'id: testsite-renamed'));
    const res = await reload();
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual([expect.objectContaining({ problem: expect.stringMatching(/site "testsite" is no longer in the site files \("testsite-renamed" in .* is new: renaming a site id is not done by a reload\)/) })]);
    expect((await device('gate', 'gate-1', SECRETS.gateRotated)).connected).toBe(true);
    write(yaml);
  });

  it('every reload is audited: who, and what changed or what was wrong', async () => {
    const page = (await api<AuditPageDto>(server, admin, '/api/audit?action=config.reloaded')).body;
    const entries = page.entries;
    expect(entries.every((e) => e.actor === 'admin' && e.details.trigger === 'api')).toBe(true);
    expect(entries.filter((e) => e.outcome === 'invalid')).toHaveLength(2);
    expect(entries.find((e) => (e.details.changes as SiteChange[] | undefined)?.some((c) => c.id === 'gate-1' && c.change === 'rekeyed'))).toBeDefined();
    expect(JSON.stringify(entries)).not.toContain(SECRETS.gateRotated);
    expect(JSON.stringify(entries)).not.toContain('argon2');
  });
});
