// Issue 8 points 8 and 9: password policy outside the demo; admins change roles and remove users.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { createTestApp, type TestApp } from '../common/http/http.testing';

const ADMIN_PASSWORD = 'Lakeside-Night-Shift';

describe('/api/users outside the demo', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { demo: false, adminPassword: ADMIN_PASSWORD } });
    admin = await t.login('admin');
  });
  afterAll(() => t.close());

  const create = (username: string, password: string, role = 'operator') => t.request('POST', '/api/users', { token: admin, body: { username, password, role } });

  it.each([
    { password: 'short-pass', message: 'password: at least 12 characters are needed (this one has 10)' },
    { password: '1qaz2wsx3edc', message: 'password: it is on a list of 49,233 common passwords that attackers try first; choose another' },
    { password: 'Sunshine2026!!', message: 'password: it is a common password ("sunshine"' },
  ])('refuses the password $password with 400 saying why', async ({ password, message }) => {
    const res = await create('weakling', password);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
    expect(await t.db.query('SELECT 1 FROM users WHERE username = $1', ['weakling'])).toHaveLength(0);
  });

  it('accepts a 12-character password that is not a common one', async () => {
    expect((await create('night-guard', 'moon-over-B1')).status).toBe(201);
  });

  it('PATCH changes the role; the next request with the old token has the new role', async () => {
    expect((await create('dispatcher', 'dispatch-desk-7', 'supervisor')).status).toBe(201);
    const token = await t.login('dispatcher', 'dispatch-desk-7');
    const res = await t.request('PATCH', '/api/users/Dispatcher', { token: admin, body: { role: 'operator' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ username: 'dispatcher', role: 'operator' });
    expect((await t.request('GET', '/api/auth/me', { token })).body).toEqual({ username: 'dispatcher', role: 'operator' });
  });

  it('DELETE removes the user; their token stops working', async () => {
    expect((await create('temp-worker', 'temporary-shift-9')).status).toBe(201);
    const token = await t.login('temp-worker', 'temporary-shift-9');
    const res = await t.request('DELETE', '/api/users/temp-worker', { token: admin });
    expect(res.status).toBe(200);
    expect((await t.request('GET', '/api/auth/me', { token })).status).toBe(401);
    expect((await t.request('DELETE', '/api/users/temp-worker', { token: admin })).status).toBe(404);
  });

  it.each([
    { method: 'PATCH', body: { role: 'operator' }, message: 'you cannot change your own role; ask another admin' },
    { method: 'DELETE', body: undefined, message: 'you cannot remove your own account; ask another admin' },
  ])('$method of your own account answers 400', async ({ method, body, message }) => {
    const res = await t.request(method, '/api/users/admin', { token: admin, body });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });

  it.each([
    { method: 'PATCH', body: { role: 'admin' } },
    { method: 'DELETE', body: undefined },
  ])('$method by a non-admin answers 403', async ({ method, body }) => {
    const token = await t.login('night-guard', 'moon-over-B1');
    expect((await t.request(method, '/api/users/dispatcher', { token, body })).status).toBe(403);
  });

  it('PATCH with an unknown role answers 400 naming the field', async () => {
    const res = await t.request('PATCH', '/api/users/night-guard', { token: admin, body: { role: 'root' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('role:');
  });

  it('disable shuts the user out (sign-in and token) but keeps the account; enable lets them back', async () => {
    expect((await create('relief-op', 'relief-shift-42')).status).toBe(201);
    const token = await t.login('relief-op', 'relief-shift-42');
    const res = await t.request('POST', '/api/users/relief-op/disable', { token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: 'relief-op', role: 'operator', disabled: true });
    expect((await t.request('GET', '/api/auth/me', { token })).status).toBe(401);
    expect((await t.request('POST', '/api/auth/login', { body: { username: 'relief-op', password: 'relief-shift-42' } })).status).toBe(401);
    const accounts = await t.request<{ username: string; disabled: boolean }[]>('GET', '/api/users/accounts', { token: admin });
    expect(accounts.body.find((u) => u.username === 'relief-op')).toMatchObject({ disabled: true, createdBy: 'admin' });
    expect((await t.request('POST', '/api/users/relief-op/enable', { token: admin })).body).toMatchObject({ disabled: false });
    expect((await t.request('POST', '/api/auth/login', { body: { username: 'relief-op', password: 'relief-shift-42' } })).status).toBe(200);
  });

  it('an admin cannot disable their own account', async () => {
    const res = await t.request('POST', '/api/users/admin/disable', { token: admin });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('you cannot disable your own account; ask another admin');
  });

  it('reset password keeps the password rules and then the new one signs in, the old one not', async () => {
    expect((await create('desk-two', 'desk-two-password')).status).toBe(201);
    const before = await t.login('desk-two', 'desk-two-password');
    (t.clock as ManualClock).advance(2_000); // a token's iat is in whole seconds
    const weak = await t.request('POST', '/api/users/desk-two/password', { token: admin, body: { password: 'short-pass' } });
    expect(weak.status).toBe(400);
    expect(weak.body.message).toContain('password: at least 12 characters');
    expect((await t.request('POST', '/api/users/desk-two/password', { token: admin, body: { password: 'harbour-lights-9' } })).status).toBe(200);
    expect((await t.request('POST', '/api/auth/login', { body: { username: 'desk-two', password: 'desk-two-password' } })).status).toBe(401);
    expect((await t.request('POST', '/api/auth/login', { body: { username: 'desk-two', password: 'harbour-lights-9' } })).status).toBe(200);
    // A session signed in with the old password ends with the reset; one signed in after it works.
    const old = await t.request('GET', '/api/auth/me', { token: before });
    expect(old.status).toBe(401);
    expect(old.body.message).toContain('password was reset');
    expect((await t.request('GET', '/api/auth/me', { token: await t.login('desk-two', 'harbour-lights-9') })).status).toBe(200);
    expect((await t.request('POST', '/api/users/nobody-here/password', { token: admin, body: { password: 'harbour-lights-9' } })).status).toBe(404);
  });

  it.each([
    { path: '/api/users/accounts', method: 'GET' },
    { path: '/api/users/dispatcher/disable', method: 'POST' },
    { path: '/api/users/dispatcher/password', method: 'POST' },
  ])('$method $path by a non-admin answers 403', async ({ path, method }) => {
    const token = await t.login('night-guard', 'moon-over-B1');
    expect((await t.request(method, path, { token, body: method === 'POST' ? { password: 'harbour-lights-9' } : undefined })).status).toBe(403);
  });

  it('disable, enable and reset are in the audit log, never the password', async () => {
    const rows = await t.db.query<{ action: string; target: string; details: unknown }>(
      `SELECT action, target, details FROM audit_log WHERE action IN ('user.disabled', 'user.enabled', 'user.password_reset') ORDER BY id`,
    );
    expect(rows.map((r) => `${r.action} ${r.target}`)).toEqual(expect.arrayContaining(['user.disabled relief-op', 'user.enabled relief-op', 'user.password_reset desk-two']));
    expect(JSON.stringify(rows)).not.toContain('harbour-lights-9');
  });
});
