// Issue 8 point 5: the sign-in limit holds under parallel guesses, and the client's address comes
// from X-Forwarded-For only when TRUST_PROXY names the proxy.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../common/http/http.testing';
import { PasswordHasher } from '../users/password-hasher';
import { DEFAULT_LOGIN_THROTTLE } from './login-throttle';

const LIMIT = DEFAULT_LOGIN_THROTTLE.maxFailures;

describe('sign-in throttling', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await t?.close();
    t = undefined;
  });

  const guess = (app: TestApp, password: string, forwardedFor?: string) =>
    app.request('POST', '/api/auth/login', {
      body: { username: 'admin', password },
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    });

  it(`50 wrong passwords sent at once: at most ${LIMIT} reach the password hash, the rest are 429`, async () => {
    t = await createTestApp();
    const verify = vi.spyOn(t.app.get(PasswordHasher), 'verify');
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => guess(t!, `parallel-guess-${i}`)));
    expect(verify.mock.calls.length).toBeLessThanOrEqual(LIMIT);
    expect(answers.filter((r) => r.status === 401)).toHaveLength(verify.mock.calls.length);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(50 - verify.mock.calls.length);
    // The audit keeps each failure and the first refusal, not 40 copies of it (issue 8 point 9).
    const audited = await t.db.query<{ outcome: string; n: number }>(
      `SELECT outcome, count(*)::int AS n FROM audit_log WHERE action = 'auth.login' AND actor = 'admin' GROUP BY outcome ORDER BY outcome`,
    );
    expect(audited).toEqual([
      { outcome: 'failed', n: verify.mock.calls.length },
      { outcome: 'throttled', n: 1 },
    ]);
  });

  it('without TRUST_PROXY a made-up X-Forwarded-For does not give a fresh count', async () => {
    t = await createTestApp();
    for (let i = 0; i < LIMIT; i++) expect((await guess(t, `guess-${i}`, `203.0.113.${i}`)).status).toBe(401);
    expect((await guess(t, 'one-more', '198.51.100.7')).status).toBe(429);
  });

  it('with TRUST_PROXY naming the proxy, each client behind it is counted on its own', async () => {
    t = await createTestApp({ env: { trustProxy: ['loopback'] } });
    for (let i = 0; i < LIMIT; i++) expect((await guess(t, `guess-${i}`, '203.0.113.5')).status).toBe(401);
    expect((await guess(t, 'one-more', '203.0.113.5')).status).toBe(429);
    expect((await guess(t, 'other-client', '198.51.100.7')).status).toBe(401);
  });
});
