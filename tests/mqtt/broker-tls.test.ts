// MQTT over TLS (issue 13): the embedded broker's MQTTS port, client certificates, and
// mqtts:// to an external broker (here another embedded broker: no Mosquitto TLS setup needed).
// The certificate is made by the test (support/tls.ts).
import { connect, type IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../apps/server/src/broker/embedded-broker';
import { ExternalBroker } from '../../apps/server/src/broker/external-broker';
import { makeCertificates, type TestCertificates } from '../support/tls';
import { envelope, ingestOn, json, openPglite, testClock, TOPIC, type IngestFixture } from '../support/mqtt-ingest';
import { connectClient, type Connected } from '../support/mqtt-clients';

const SERVICE = { username: 'estate-service', password: 'service-secret-123' };

interface TlsStack {
  f: IngestFixture;
  broker: EmbeddedBroker;
  tlsPort: number;
  stop(): Promise<void>;
}

async function startTlsStack(certs: TestCertificates, clientCerts?: 'optional' | 'required'): Promise<TlsStack> {
  const db = await openPglite();
  const f = await ingestOn(db, testClock());
  const tls = { port: 0, cert: Buffer.from(certs.cert), key: Buffer.from(certs.key), ...(clientCerts ? { ca: Buffer.from(certs.cert), requireClientCert: clientCerts === 'required' } : {}) };
  const broker = new EmbeddedBroker(f.ingest, f.sites, { port: 0, host: '127.0.0.1', serviceAccount: SERVICE, tls });
  await broker.start();
  return {
    f,
    broker,
    tlsPort: broker.tlsPort as number,
    stop: async () => {
      await broker.stop();
      await f.ingest.stop();
      await db.close();
    },
  };
}

/** A device over TLS; rejects with the handshake or CONNACK error. */
function overTls(port: number, certs: TestCertificates, extra: Record<string, unknown> = {}): Promise<Connected> {
  return connectClient(port, 'lakeside:gate-1', 'secret-gate-1', { protocol: 'mqtts', ca: certs.cert, connectTimeout: 3000, ...extra });
}

/** Whether a connection gets its CONNACK, or is refused (an error, or closed before CONNACK). */
async function outcome(options: IClientOptions): Promise<'connected' | 'refused'> {
  const client = connect({ reconnectPeriod: 0, connectTimeout: 3000, ...options });
  const result = await new Promise<'connected' | 'refused'>((resolve) => {
    client.once('connect', () => resolve('connected'));
    client.once('error', () => resolve('refused'));
    client.once('close', () => resolve('refused'));
  });
  await client.endAsync(true);
  return result;
}

describe('MQTT over TLS on the embedded broker (MQTTS_PORT)', () => {
  let certs: TestCertificates;
  let stack: TlsStack;
  beforeAll(async () => {
    certs = await makeCertificates();
    stack = await startTlsStack(certs);
  });
  afterAll(async () => {
    await stack.stop();
    certs.remove();
  });

  it('takes a device trusting the certificate, and stores what it sends before the PUBACK', async () => {
    const { client } = await overTls(stack.tlsPort, certs);
    await client.publishAsync(TOPIC.gateAck.replace('/ack', '/event'), json(envelope({ type: 'pass', direction: 'in', credential: 'card' }, 'over-tls-1')), { qos: 1 });
    expect(await stack.f.db.query('SELECT device_id, msg_id FROM device_messages')).toEqual([{ device_id: 'gate-1', msg_id: 'over-tls-1' }]);
    await client.endAsync();
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await expect(connectClient(stack.tlsPort, 'lakeside:gate-1', 'secret-gate-1', { protocol: 'mqtts', connectTimeout: 3000 })).rejects.toThrow(/self-signed|self signed/);
  });

  it('does not speak plain MQTT on the TLS port: the connection closes with no CONNACK', async () => {
    expect(await outcome({ host: '127.0.0.1', port: stack.tlsPort, username: 'lakeside:gate-1', password: 'secret-gate-1' })).toBe('refused');
  });

  it('still checks credentials over TLS', async () => {
    await expect(overTls(stack.tlsPort, certs, { password: 'wrong' })).rejects.toMatchObject({ code: 5 });
  });
});

describe('client certificates (TLS_CA_FILE, MQTTS_REQUIRE_CLIENT_CERT)', () => {
  let certs: TestCertificates;
  beforeAll(async () => {
    certs = await makeCertificates();
  });
  afterAll(() => certs.remove());

  it.each([
    { mode: 'required' as const, presented: 'none', ok: false },
    { mode: 'required' as const, presented: 'stranger', ok: false },
    { mode: 'required' as const, presented: 'signed', ok: true },
    { mode: 'optional' as const, presented: 'none', ok: true },
    { mode: 'optional' as const, presented: 'stranger', ok: false },
    { mode: 'optional' as const, presented: 'signed', ok: true },
  ])('$mode, certificate $presented → $ok', async ({ mode, presented, ok }) => {
    const stack = await startTlsStack(certs, mode);
    try {
      const identity = presented === 'signed' ? { cert: certs.clientCert, key: certs.clientKey } : presented === 'stranger' ? { cert: certs.strangerCert, key: certs.strangerKey } : {};
      // TLS 1.3: a refused client certificate may show only as the server closing after the handshake.
      expect(await outcome({ host: '127.0.0.1', port: stack.tlsPort, protocol: 'mqtts', ca: certs.cert, username: 'lakeside:gate-1', password: 'secret-gate-1', ...identity })).toBe(ok ? 'connected' : 'refused');
    } finally {
      await stack.stop();
    }
  });
});

describe('mqtts:// to an external broker (MQTT_URL, MQTT_CA_FILE)', () => {
  let certs: TestCertificates;
  let stack: TlsStack;
  beforeAll(async () => {
    certs = await makeCertificates();
    stack = await startTlsStack(certs);
  });
  afterAll(async () => {
    await stack.stop();
    certs.remove();
  });

  it('connects with the CA, and its commands reach the device', async () => {
    const server = await openPglite();
    const own = await ingestOn(server, testClock());
    const external = new ExternalBroker(own.ingest, { url: `mqtts://127.0.0.1:${stack.tlsPort}`, ...SERVICE, ca: Buffer.from(certs.cert), clientId: `tls-test-${process.pid}`, topics: 'estate/v1/lakeside/+/+/+' });
    try {
      await external.start();
      expect(external.isUp()).toBe(true);
      const { client: gate } = await overTls(stack.tlsPort, certs);
      await gate.subscribeAsync(TOPIC.gateCmd, { qos: 1 });
      const received = new Promise<string>((resolve) => gate.once('message', (_t, payload) => resolve(payload.toString())));
      await external.publish(TOPIC.gateCmd, { id: 'cmd-tls', action: 'open' });
      expect(await received).toBe('{"id":"cmd-tls","action":"open"}');
      await gate.endAsync();
    } finally {
      await external.stop(true);
      await own.ingest.stop();
      await server.close();
    }
  });

  it('refuses a broker whose certificate it cannot verify, and says so', async () => {
    const server = await openPglite();
    const own = await ingestOn(server, testClock());
    const external = new ExternalBroker(own.ingest, { url: `mqtts://127.0.0.1:${stack.tlsPort}`, ...SERVICE, clientId: `tls-test-untrusted-${process.pid}`, connectTimeoutMs: 3000 });
    try {
      await expect(external.start()).rejects.toThrow(/cannot connect to the MQTT broker at MQTT_URL/);
      expect(external.isUp()).toBe(false);
    } finally {
      await external.stop(true);
      await own.ingest.stop();
      await server.close();
    }
  });
});
