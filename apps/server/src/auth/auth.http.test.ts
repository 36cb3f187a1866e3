// CONTRACT §6: POST /api/auth/login and bearer tokens, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { createTestApp, type TestApp } from '../common/http/http.testing';
import { TOKEN_TTL_SECONDS } from './jwt-options';

describe('POST /api/auth/login', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers a token and the user for the right password', async () => {
    const res = await t.request('POST', '/api/auth/login', { body: { username: 'supervisor', password: 'demo' } });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ username: 'supervisor', role: 'supervisor' });
    expect(res.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it.each([
    { case: 'wrong password', body: { username: 'admin', password: 'wrong-one' } },
    { case: 'unknown user', body: { username: 'nobody', password: 'demo' } },
  ])('answers 401 "wrong username or password" for a $case', async ({ body }) => {
    const res = await t.request('POST', '/api/auth/login', { body });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, message: 'wrong username or password' });
  });

  it.each([
    { case: 'no password', body: { username: 'admin' }, message: 'password: is required' },
    { case: 'no username', body: { password: 'demo' }, message: 'username: is required' },
    { case: 'an empty username', body: { username: '', password: 'demo' }, message: 'username: username is required' },
    { case: 'a number as password', body: { username: 'admin', password: 1234 }, message: 'password: Invalid input: expected string, received number' },
    { case: 'an array as body', body: [], message: 'body: Invalid input: expected object, received array' },
  ])('answers 400 naming the field for $case', async ({ body, message }) => {
    const res = await t.request('POST', '/api/auth/login', { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message });
  });

  it('answers 400 for no body at all', async () => {
    const res = await t.request('POST', '/api/auth/login');
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('is required');
  });

  it('answers 429 after 10 failed sign-ins for one username, and still lets other users in', async () => {
    for (let i = 0; i < 10; i++) await t.request('POST', '/api/auth/login', { body: { username: 'supervisor', password: `guess-${i}` } });
    const res = await t.request('POST', '/api/auth/login', { body: { username: 'supervisor', password: 'demo' } });
    expect(res.status).toBe(429);
    expect(res.body.message).toMatch(/^too many failed sign-ins for supervisor; try again in \d+ min$/);
    expect(await t.login('operator')).toBeTruthy();
  });

  it('accepts the username in any letter case', async () => {
    const res = await t.request('POST', '/api/auth/login', { body: { username: 'Admin', password: 'demo' } });
    expect(res.status).toBe(200);
    expect(res.body.user.username).toBe('admin');
  });
});

describe('bearer tokens', () => {
  const clock = new ManualClock('2026-11-27T08:00:00Z');
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  it('GET /api/auth/me answers the token\'s user', async () => {
    const token = await t.login('operator');
    const res = await t.request('GET', '/api/auth/me', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ username: 'operator', role: 'operator' });
  });

  it('answers 401 without a token', async () => {
    const res = await t.request('GET', '/api/auth/me');
    expect(res.status).toBe(401);
    expect(res.body.message).toContain('Authorization: Bearer');
  });

  it('answers 401 for a token signed with another secret', async () => {
    const other = await createTestApp({ clock, env: { jwtSecret: 'x'.repeat(40) } });
    const forged = await other.login('admin');
    await other.close();
    const res = await t.request('GET', '/api/auth/me', { token: forged });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('invalid token: sign in again');
  });

  it('answers 401 for a tampered token (role raised in the payload)', async () => {
    const [header, payload, signature] = (await t.login('operator')).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const raised = Buffer.from(JSON.stringify({ ...claims, sub: 'admin', role: 'admin' })).toString('base64url');
    const res = await t.request('GET', '/api/users', { token: `${header}.${raised}.${signature}` });
    expect(res.status).toBe(401);
  });

  it('answers 401 for an unsigned token (alg none)', async () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(clock.now().getTime() / 1000);
    const token = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'admin', role: 'admin', iat: now, exp: now + 60, iss: 'estate-watch' })}.`;
    const res = await t.request('GET', '/api/auth/me', { token });
    expect(res.status).toBe(401);
  });

  it.each([
    { after: TOKEN_TTL_SECONDS - 1, status: 200 },
    { after: TOKEN_TTL_SECONDS + 1, status: 401 },
  ])('a token $after s after login (12 h shift) → $status', async ({ after, status }) => {
    clock.set('2026-11-27T08:00:00Z');
    const token = await t.login('operator');
    clock.advance(after * 1000);
    const res = await t.request('GET', '/api/auth/me', { token });
    expect(res.status).toBe(status);
    if (status === 401) expect(res.body.message).toBe('token expired: sign in again');
    clock.set('2026-11-27T08:00:00Z');
  });

  it('answers 401 once the token\'s user no longer exists', async () => {
    const admin = await t.login('admin');
    await t.request('POST', '/api/users', { token: admin, body: { username: 'temp', password: 'temporary-pass', role: 'operator' } });
    const token = await t.login('temp', 'temporary-pass');
    await t.db.query('DELETE FROM users WHERE username = $1', ['temp']);
    const res = await t.request('GET', '/api/auth/me', { token });
    expect(res.status).toBe(401);
    expect(res.body.message).toContain('no longer exists');
  });
});
