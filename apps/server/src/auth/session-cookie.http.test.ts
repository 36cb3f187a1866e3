// Issue 8 point 7: the dashboard signs in with an httpOnly SameSite=Strict cookie; state-changing
// calls made with it need the CSRF header; bearer tokens keep working without one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../common/http/http.testing';

interface Browser {
  cookies: Record<string, string>;
  setCookies: string[];
}

describe('session cookie', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function signIn(username: string, headers: Record<string, string> = {}): Promise<Browser> {
    const res = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username, password: 'demo' }),
    });
    expect(res.status).toBe(200);
    const setCookies = res.headers.getSetCookie();
    const cookies = Object.fromEntries(setCookies.map((c) => c.split(';')[0].split('=') as [string, string]));
    return { cookies, setCookies };
  }
  const cookieHeader = (b: Browser) => Object.entries(b.cookies).map(([k, v]) => `${k}=${v}`).join('; ');

  it('login sets ew_session httpOnly and SameSite=Strict, and ew_csrf readable by the page', async () => {
    const { setCookies } = await signIn('admin');
    const session = setCookies.find((c) => c.startsWith('ew_session='));
    const csrf = setCookies.find((c) => c.startsWith('ew_csrf='));
    expect(session).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; SameSite=Strict/i);
    expect(session).toMatch(/; Path=\//);
    expect(session).toMatch(/; Max-Age=43200/);
    expect(csrf).toMatch(/; SameSite=Strict/i);
    expect(csrf).not.toMatch(/HttpOnly/i);
    expect(session).not.toMatch(/; Secure/i); // plain HTTP here: a Secure cookie would never come back
  });

  it('the cookie alone reads; changing anything needs X-CSRF-Token with the ew_csrf value', async () => {
    const browser = await signIn('admin');
    const cookie = cookieHeader(browser);
    expect((await t.request('GET', '/api/auth/me', { headers: { cookie } })).body).toEqual({ username: 'admin', role: 'admin' });

    const body = { username: 'csrf-victim', password: 'long-enough-pass', role: 'admin' };
    const forged = await t.request('POST', '/api/users', { headers: { cookie }, body });
    expect(forged.status).toBe(403);
    expect(forged.body.message).toContain('X-CSRF-Token');
    const wrong = await t.request('POST', '/api/users', { headers: { cookie, 'x-csrf-token': 'guessed' }, body });
    expect(wrong.status).toBe(403);
    expect(await t.db.query('SELECT 1 FROM users WHERE username = $1', ['csrf-victim'])).toHaveLength(0);

    const real = await t.request('POST', '/api/users', { headers: { cookie, 'x-csrf-token': browser.cookies.ew_csrf }, body });
    expect(real.status).toBe(201);
  });

  it("one session's CSRF token does not work with another session's cookie", async () => {
    const mine = await signIn('admin');
    const theirs = await signIn('admin');
    const res = await t.request('POST', '/api/users', {
      headers: { cookie: `ew_session=${mine.cookies.ew_session}`, 'x-csrf-token': theirs.cookies.ew_csrf },
      body: { username: 'mixed-up', password: 'long-enough-pass', role: 'operator' },
    });
    expect(res.status).toBe(403);
  });

  it('bearer tokens keep working for API clients, without a CSRF header', async () => {
    const token = await t.login('admin');
    const res = await t.request('POST', '/api/users', { token, body: { username: 'api-made', password: 'long-enough-pass', role: 'operator' } });
    expect(res.status).toBe(201);
  });

  it('logout clears both cookies', async () => {
    const res = await fetch(`${t.url}/api/auth/logout`, { method: 'POST' });
    expect(res.status).toBe(204);
    const cleared = res.headers.getSetCookie();
    expect(cleared).toEqual([expect.stringMatching(/^ew_session=; .*Max-Age=0/), expect.stringMatching(/^ew_csrf=; .*Max-Age=0/)]);
  });
});

describe('session cookie behind a TLS-terminating proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { trustProxy: 1 } });
  });
  afterAll(() => t.close());

  it('is Secure when the trusted proxy says the request came over HTTPS', async () => {
    const res = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ username: 'operator', password: 'demo' }),
    });
    expect(res.headers.getSetCookie().every((c) => /; Secure/i.test(c))).toBe(true);
  });
});
