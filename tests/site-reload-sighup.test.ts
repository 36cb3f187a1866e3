// Issue 13 point 5: `kill -HUP` on the real server process reloads the site files; a bad file is
// said in the log and changes nothing, and the server keeps running.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceUsername } from '@estate-watch/contracts';
import { testSiteYaml } from '../apps/server/src/sites/sites.testing';
import { buildServer, freePort, startServerProcess, type ServerProcess } from './support/server-process';

const ADMIN_PASSWORD = 'sighup-reload-admin-5Tq8';
const NEW_SECRET = 'dispenser-2-Rw7Kc3Nm9x';
const YAML = testSiteYaml();
const ADDED = YAML.replace('dispensers:\n', `dispensers:\n  - { id: soap-2, name: 二楼洗手液, consumable: soap, secret: ${NEW_SECRET} }\n`);

describe('SIGHUP reloads the site files of a running server', () => {
  let dir: string;
  let server: ServerProcess;
  let mqttPort: number;
  const clients: MqttClient[] = [];

  const write = (text: string) => writeFileSync(join(dir, 'testsite.yaml'), text);
  /** Sends SIGHUP and resolves with what the server printed for it (a reload is logged either way). */
  const hangUp = async (): Promise<string> => {
    const before = server.output().length;
    server.child.kill('SIGHUP');
    return new Promise((resolve, reject) => {
      const streams = [server.child.stdout, server.child.stderr];
      const done = () => {
        clearTimeout(timer);
        for (const s of streams) s?.off('data', onData);
      };
      // server-process.ts appends to output() in its own listener, registered before this one.
      const onData = () => {
        const said = server.output().slice(before);
        if (!/site files (not )?reloaded/.test(said)) return;
        done();
        resolve(said);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no reload logged within 20 s of SIGHUP:\n${server.output().slice(before)}`));
      }, 20_000);
      for (const s of streams) s?.on('data', onData);
      onData();
    });
  };
  const soap2 = () =>
    new Promise<MqttClient>((resolve, reject) => {
      const client = connect(`mqtt://127.0.0.1:${mqttPort}`, { clientId: `sighup-soap-2-${clients.length}`, username: deviceUsername('testsite', 'soap-2'), password: NEW_SECRET, reconnectPeriod: 0 });
      clients.push(client);
      client.once('connect', () => resolve(client));
      client.once('error', reject);
    });

  beforeAll(async () => {
    buildServer();
    dir = mkdtempSync(join(tmpdir(), 'site-reload-sighup-'));
    write(YAML);
    mqttPort = await freePort();
    server = await startServerProcess({
      SITE_CONFIG: dir,
      ADMIN_PASSWORD,
      HTTP_PORT: String(await freePort()),
      MQTT_PORT: String(mqttPort),
      DATA_DIR: join(dir, 'data'),
    });
  }, 240_000);

  afterAll(async () => {
    for (const c of clients) c.end(true);
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a bad file: the log says why, nothing changes, the server keeps running', async () => {
    write(ADDED.replace('lot: lot-1,', 'lot: lot-9,'));
    const said = await hangUp();
    expect(said).toMatch(/site files not reloaded \(SIGHUP\), nothing changed: 1 problem/);
    expect(said).toMatch(/testsite\.yaml:\d+: gates\[0\]\.lot: no lot "lot-9"/);
    await expect(soap2()).rejects.toThrow(/Not authorized/);
    expect(server.child.exitCode).toBeNull();
  });

  it('a good file: the device it adds can connect', async () => {
    write(ADDED);
    const said = await hangUp();
    expect(said).toMatch(/site files reloaded \(SIGHUP\): dispensers added: 1/);
    expect((await soap2()).connected).toBe(true);
  });
});
