// HTTPS (issue 13, point 4): with TLS_CERT_FILE and TLS_KEY_FILE the API, the dashboard and
// Socket.IO are served over TLS on HTTP_PORT, with HSTS; MQTT over TLS on MQTTS_PORT beside
// it. The certificate is made by the test.
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_NAMESPACE, type LoginResponse } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { BrokerService } from '../apps/server/src/broker/broker.service';
import { startTestServer } from './support/server';
import { makeCertificates, type TestCertificates } from './support/tls';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function httpsCall(url: string, ca: string, method = 'GET', body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

describe('HTTPS when a certificate is configured', () => {
  let certs: TestCertificates;
  let server: RunningServer;
  beforeAll(async () => {
    certs = await makeCertificates();
    server = await startTestServer({ env: { tlsCertFile: certs.certFile, tlsKeyFile: certs.keyFile, mqttsPort: 0 } });
  });
  afterAll(async () => {
    await server?.close();
    certs.remove();
  });

  it('serves the API over TLS, with HSTS and a CSP that upgrades insecure requests', async () => {
    expect(server.httpUrl).toMatch(/^https:\/\/localhost:\d+$/);
    const health = await httpsCall(`${server.httpUrl}/api/health`, certs.cert);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ mqtt: expect.anything(), db: expect.anything() });
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(health.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await expect(httpsCall(`${server.httpUrl}/api/health`, '')).rejects.toThrow(/self-signed|self signed|unable to verify/);
  });

  it('does not answer plain HTTP on the same port', async () => {
    await expect(fetch(server.httpUrl.replace('https:', 'http:') + '/api/health').then((r) => r.status)).rejects.toThrow();
  });

  it('carries Socket.IO /live over wss:// with a login token', async () => {
    const login = await httpsCall(`${server.httpUrl}/api/auth/login`, certs.cert, 'POST', { username: 'operator', password: 'demo' });
    const { token } = JSON.parse(login.body) as LoginResponse;
    const socket = io(`${server.httpUrl}${LIVE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false, ca: certs.cert });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      expect(socket.connected).toBe(true);
    } finally {
      socket.close();
    }
  });

  it('runs MQTT over TLS on MQTTS_PORT with the same certificate', async () => {
    const port = server.app.get(BrokerService).tlsPort as number;
    const client = connect({ host: 'localhost', port, protocol: 'mqtts', ca: certs.cert, username: 'testsite:gate-1', password: 'secret-gate-1', reconnectPeriod: 0 });
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
      expect(client.connected).toBe(true);
    } finally {
      await client.endAsync(true);
    }
  });
});

describe('a certificate that cannot be used stops start-up, naming the variable', () => {
  it.each([
    { name: 'a missing file', env: (c: TestCertificates) => ({ tlsCertFile: join(c.dir, 'nope.pem'), tlsKeyFile: c.keyFile }), error: /TLS_CERT_FILE: cannot read .*nope\.pem \(ENOENT\)/ },
    { name: 'a file that is not PEM', env: (c: TestCertificates) => ({ tlsCertFile: c.certFile, tlsKeyFile: writeText(c, 'key.txt', 'hunter2') }), error: /TLS_KEY_FILE: .*key\.txt is not a PEM file/ },
    { name: 'a certificate as the key', env: (c: TestCertificates) => ({ tlsCertFile: c.certFile, tlsKeyFile: c.certFile }), error: /not a usable certificate, key and CA/ },
  ])('$name', async ({ env, error }) => {
    const certs = await makeCertificates();
    try {
      await expect(startTestServer({ env: env(certs) })).rejects.toThrow(error);
    } finally {
      certs.remove();
    }
  });
});

function writeText(certs: TestCertificates, name: string, text: string): string {
  const path = join(certs.dir, name);
  writeFileSync(path, text);
  return path;
}
