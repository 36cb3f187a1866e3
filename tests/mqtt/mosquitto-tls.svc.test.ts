// deploy/mosquitto/mosquitto.conf's TLS block on a real Mosquitto 2.0 (issue 13, point 4): the
// server reaches it over mqtts:// with MQTT_CA_FILE's CA, and devices need a client
// certificate as well as their secret. The certificate is made by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDynsecConfig } from '../../deploy/mosquitto/dynsec-config';
import { ExternalBroker } from '../../apps/server/src/broker/external-broker';
import { makeCertificates, type TestCertificates } from '../support/tls';
import { envelope, ingestOn, json, openPglite, SITE, tempDir, testClock, TOPIC, type IngestFixture } from '../support/mqtt-ingest';
import { connectOutcome } from '../support/mqtt-clients';

const SERVICE = { username: 'estate-server', password: 'service-password-1' };
const DEBIAN_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';

describe('deploy/mosquitto TLS listener on a real Mosquitto', () => {
  const dir = tempDir('estate-mosquitto-tls-');
  let certs: TestCertificates;
  let mosquitto: ChildProcess;
  let tlsPort: number;
  let f: IngestFixture;
  let server: ExternalBroker;

  beforeAll(async () => {
    certs = await makeCertificates();
    const [plainPort, port] = [await freePort(), await freePort()];
    tlsPort = port;
    const dynsec = join(dir.path, 'dynamic-security.json');
    writeFileSync(dynsec, JSON.stringify(buildDynsecConfig([SITE], SERVICE)));
    const clientCa = join(dir.path, 'ca.pem');
    writeFileSync(clientCa, certs.cert);
    const conf = readFileSync(join(__dirname, '../../deploy/mosquitto/mosquitto.conf'), 'utf8')
      .replace(/^#tls /gm, '')
      .replace(/^listener 1883$/m, `listener ${plainPort} 127.0.0.1`)
      .replace(/^listener 8883$/m, `listener ${tlsPort} 127.0.0.1`)
      .replace(/^certfile .*$/m, `certfile ${certs.certFile}`)
      .replace(/^keyfile .*$/m, `keyfile ${certs.keyFile}`)
      .replace(/^cafile .*$/m, `cafile ${clientCa}`)
      .replace(/^plugin .*$/m, `plugin ${DEBIAN_PLUGIN}`)
      .replace(/^plugin_opt_config_file .*$/m, `plugin_opt_config_file ${dynsec}`)
      .replace(/^persistence_location .*$/m, `persistence_location ${dir.path}/`);
    expect(conf).toMatch(/^require_certificate true$/m);
    const confFile = join(dir.path, 'mosquitto.conf');
    writeFileSync(confFile, `${conf}\nuser root\n`);
    mosquitto = spawn('/usr/sbin/mosquitto', ['-c', confFile]);
    let log = '';
    mosquitto.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<never>((_, reject) => mosquitto.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${log}`))));
    exited.catch(() => undefined);
    await Promise.race([listening(tlsPort), exited]);

    f = await ingestOn(await openPglite(), testClock());
    server = new ExternalBroker(f.ingest, {
      url: `mqtts://127.0.0.1:${tlsPort}`,
      ...SERVICE,
      ca: Buffer.from(certs.cert),
      // require_certificate applies to every client on the listener, the server's account too.
      cert: Buffer.from(certs.clientCert),
      key: Buffer.from(certs.clientKey),
      clientId: `tls-svc-${process.pid}`,
      topics: 'estate/v1/lakeside/+/+/+',
    });
  });

  afterAll(async () => {
    await server?.stop(true);
    await f?.ingest.stop();
    await f?.db.close();
    mosquitto?.kill();
    if (mosquitto) await new Promise((r) => mosquitto.once('exit', r));
    certs?.remove();
    dir.remove();
  });

  it('the server connects over mqtts:// trusting MQTT_CA_FILE, and a device with a client certificate is ingested', async () => {
    await server.start();
    expect(server.isUp()).toBe(true);
    const device = await connectOutcome({ port: tlsPort, protocol: 'mqtts', ca: certs.cert, cert: certs.clientCert, key: certs.clientKey, username: 'lakeside:cp-1', password: 'secret-cp-1' });
    if (device.outcome !== 'connected') throw new Error('device refused');
    await device.client.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'mosq-tls-1')), { qos: 1 });
    await f.handler.until(1);
    expect(f.handler.seen[0]).toMatchObject({ deviceId: 'cp-1', msgId: 'mosq-tls-1' });
    await device.client.endAsync();
  });

  it('refuses a device with the right secret but no client certificate', async () => {
    const device = await connectOutcome({ port: tlsPort, protocol: 'mqtts', ca: certs.cert, username: 'lakeside:cp-2', password: 'secret-cp-2' });
    expect(device.outcome).toBe('refused');
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
