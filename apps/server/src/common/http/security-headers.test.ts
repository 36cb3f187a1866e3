// Security headers (helmet) on every answer over plain HTTP; tests/https.test.ts covers HTTPS
// and tests/browser/csp.test.ts that the dashboard runs under the policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './http.testing';

describe('security headers over plain HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: false });
  });
  afterAll(() => t.close());

  it.each([
    { path: '/api/health-of-nothing', what: 'a 404 from the API' },
    { path: '/api/auth/login', what: 'a 400 from a malformed body', rawBody: '{"username":' },
  ])('are on $what', async ({ path, rawBody }) => {
    const res = await t.request(rawBody ? 'POST' : 'GET', path, rawBody ? { rawBody } : {});
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('holds the dashboard to its own scripts, no framing, no plugins', async () => {
    const csp = (await t.request('GET', '/api/nothing')).headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
    expect(directives).toMatchObject({ 'script-src': "'self'", 'script-src-attr': "'none'", 'object-src': "'none'", 'frame-ancestors': "'none'", 'connect-src': "'self'" });
  });

  it('sets neither HSTS nor upgrade-insecure-requests over HTTP (the demo on a LAN address would break)', async () => {
    const res = await t.request('GET', '/api/nothing');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
  });
});
