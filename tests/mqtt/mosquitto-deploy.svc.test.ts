// The shipped deploy/mosquitto configuration, run on Debian's Mosquitto on a free port with
// credentials generated from a site file: CONTRACT §1 held by the external broker, and the
// server ingesting through it (MQTT_URL).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDynsecConfig } from '../../deploy/mosquitto/dynsec-config';
import { ExternalBroker } from '../../apps/server/src/broker/external-broker';
import type { Database } from '../../apps/server/src/db/database';
import { envelope, ingestOn, json, openPglite, SITE, tempDir, testClock, TOPIC, type IngestFixture } from '../support/mqtt-ingest';
import { closed, connectClient, type Connected } from '../support/mqtt-clients';

const SERVICE = { username: 'estate-server', password: 'service-password-1' };
const DEBIAN_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';

describe('deploy/mosquitto on a real Mosquitto', () => {
  const dir = tempDir('estate-mosquitto-');
  let mosquitto: ChildProcess;
  let port: number;
  const clients: Connected[] = [];
  const device = async (id: string, secret = `secret-${id}`) => {
    const c = await connectClient(port, `lakeside:${id}`, secret);
    clients.push(c);
    return c;
  };
  const service = async () => {
    const c = await connectClient(port, SERVICE.username, SERVICE.password);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    port = await freePort();
    const dynsec = join(dir.path, 'dynamic-security.json');
    writeFileSync(dynsec, JSON.stringify(buildDynsecConfig([SITE], SERVICE)));
    // The shipped file, with this machine's paths and port; everything else as shipped.
    const conf = readFileSync(join(__dirname, '../../deploy/mosquitto/mosquitto.conf'), 'utf8')
      .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
      .replace(/^plugin .*$/m, `plugin ${DEBIAN_PLUGIN}`)
      .replace(/^plugin_opt_config_file .*$/m, `plugin_opt_config_file ${dynsec}`)
      .replace(/^persistence_location .*$/m, `persistence_location ${dir.path}/`);
    expect(conf).toMatch(/^max_queued_messages 1000000$/m);
    const confFile = join(dir.path, 'mosquitto.conf');
    writeFileSync(confFile, `${conf}\nuser root\n`);
    mosquitto = spawn('/usr/sbin/mosquitto', ['-c', confFile]);
    let log = '';
    mosquitto.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<never>((_, reject) => mosquitto.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${log}`))));
    exited.catch(() => undefined);
    // Its log is block-buffered on a pipe: readiness is the port accepting connections.
    await Promise.race([listening(port), exited]);
  });

  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.client.endAsync(true)));
    mosquitto.kill();
    await new Promise((r) => mosquitto.once('exit', r));
    dir.remove();
  });

  it.each([
    { name: 'device with its secret', username: 'lakeside:cp-1', password: 'secret-cp-1', ok: true },
    { name: 'service account', username: SERVICE.username, password: SERVICE.password, ok: true },
    { name: 'wrong secret', username: 'lakeside:cp-1', password: 'secret-cp-2', ok: false },
    { name: 'unknown device', username: 'lakeside:cp-9', password: 'secret-cp-9', ok: false },
    { name: 'anonymous', username: undefined, password: undefined, ok: false },
  ])('$name → connects: $ok', async ({ username, password, ok }) => {
    const attempt = connectClient(port, username, password);
    if (ok) clients.push(await attempt);
    else await expect(attempt).rejects.toMatchObject({ code: expect.any(Number) });
  });

  it.each([
    { who: 'cp-1', filter: TOPIC.cp1Cmd, granted: 1 },
    { who: 'cp-1', filter: TOPIC.gateCmd, granted: 128 },
    { who: 'cp-1', filter: 'estate/v1/#', granted: 128 },
    { who: 'service', filter: 'estate/v1/#', granted: 1 },
  ])('$who subscribing $filter → $granted', async ({ who, filter, granted }) => {
    const c = who === 'service' ? await service() : await device(who);
    const [grant] = await c.client.subscribeAsync(filter, { qos: 1 }).catch((e: { packet: { granted: number[] } }) => e.packet.granted.map((qos) => ({ qos })));
    expect(grant?.qos).toBe(granted);
  });

  it("drops a device's publish to another device's topic; its own topic goes through", async () => {
    const s = await service();
    await s.client.subscribeAsync('estate/v1/#', { qos: 1 });
    const seen: string[] = [];
    const got = new Promise<void>((resolve) =>
      s.client.on('message', (topic) => {
        seen.push(topic);
        if (topic === TOPIC.tap) resolve();
      }),
    );
    const { client } = await device('cp-1');
    await client.publishAsync(TOPIC.cp2Event, json(envelope({ type: 'tap', card: '04A1B2C3D4' })), { qos: 1 });
    await client.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' })), { qos: 1 });
    await got; // same publisher, in order: the forbidden one would have arrived first
    expect(seen).toEqual([TOPIC.tap]);
  });

  it('cuts a packet over max_packet_size (16 KiB)', async () => {
    const { client } = await device('cp-1');
    client.publish(TOPIC.tap, Buffer.alloc(20 * 1024, 0x20), { qos: 1 });
    await closed(client);
  });

  describe('the server on MQTT_URL with the service account', () => {
    let db: Database;
    let f: IngestFixture;
    let server: ExternalBroker;

    beforeAll(async () => {
      db = await openPglite();
      f = await ingestOn(db, testClock());
      server = new ExternalBroker(f.ingest, { url: `mqtt://127.0.0.1:${port}`, username: SERVICE.username, password: SERVICE.password, clientId: 'estate-test-server' });
      await server.start();
    });

    afterAll(async () => {
      await server.stop();
      await f.ingest.stop();
      await db.close();
    });

    it('queues a 3000-message QoS 1 burst for the server while it is held up, and loses none (max_queued_messages)', async () => {
      // The server's first commit is held until the device has sent everything: Mosquitto must
      // queue the burst. With its default max_queued_messages (1000) it drops the rest silently.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const commitBatch = f.repo.commitBatch.bind(f.repo);
      f.repo.commitBatch = async (messages, rejections) => {
        await held;
        return commitBatch(messages, rejections);
      };
      const before = f.handler.seen.length;
      const burst = 3000;
      const cp = await device('cp-2');
      await Promise.all(
        Array.from({ length: burst }, (_, i) =>
          cp.client.publishAsync(TOPIC.cp2Event, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, `burst-${i}`)), { qos: 1 }),
        ),
      );
      release();
      await f.handler.until(before + burst);
      f.repo.commitBatch = commitBatch;
      expect(f.ingest.stats()).toMatchObject({ duplicates: 0, rejected: 0 });
    }, 60_000);

    it('fails start-up at once, naming MQTT_URL, when the broker refuses the service account', async () => {
      const wrong = new ExternalBroker(f.ingest, { url: `mqtt://127.0.0.1:${port}`, username: SERVICE.username, password: 'wrong-password', connectTimeoutMs: 20_000 });
      const started = performance.now();
      await expect(wrong.start()).rejects.toThrow(/MQTT_URL \(mqtt:\/\/127\.0\.0\.1:\d+\/?\).*[Nn]ot authori[sz]ed/);
      expect(performance.now() - started).toBeLessThan(10_000); // not the 20 s timeout
    });

    it('ingests a device tap and sends a gate command', async () => {
      const before = f.handler.seen.length;
      const cp = await device('cp-1');
      await cp.client.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'via-mosquitto')), { qos: 1 });
      await f.handler.until(before + 1);
      expect(f.handler.seen[before]).toMatchObject({ deviceId: 'cp-1', msgId: 'via-mosquitto' });

      const gate = await device('gate-1');
      await gate.client.subscribeAsync(TOPIC.gateCmd, { qos: 1 });
      const received = new Promise<string>((resolve) => gate.client.once('message', (_t, p) => resolve(p.toString())));
      await server.publish(TOPIC.gateCmd, { id: 'c-1', action: 'open', by: 'supervisor' });
      expect(await received).toContain('"action":"open"');
    });
  });
});

async function listening(port: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect({ port, host: '127.0.0.1' }, () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
