// CONTRACT §6: POST /api/users {username, password, role}, admin only; GET /api/users.
import * as argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../common/http/http.testing';

describe('/api/users', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp();
    for (const name of ['operator', 'supervisor', 'admin']) tokens[name] = await t.login(name);
  });
  afterAll(() => t.close());

  it('POST by an admin creates the user (201) and the user can sign in', async () => {
    const res = await t.request('POST', '/api/users', {
      token: tokens.admin,
      body: { username: 'night-guard', password: 'correct horse', role: 'operator' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ username: 'night-guard', role: 'operator' });
    expect(await t.login('night-guard', 'correct horse')).toBeTruthy();
  });

  it.each([
    { as: 'supervisor', status: 403 },
    { as: 'operator', status: 403 },
    { as: 'nobody', status: 401 },
  ])('POST as $as → $status', async ({ as, status }) => {
    const res = await t.request('POST', '/api/users', { token: tokens[as], body: { username: 'sneaky', password: 'password123', role: 'admin' } });
    expect(res.status).toBe(status);
    const stored = await t.db.query('SELECT 1 FROM users WHERE username = $1', ['sneaky']);
    expect(stored).toHaveLength(0);
  });

  it.each([
    { username: 'night-guard', why: 'the same name' },
    { username: 'Night-Guard', why: 'the same name in other letter case' },
  ])('POST of $why answers 409 with a clear message', async ({ username }) => {
    const res = await t.request('POST', '/api/users', { token: tokens.admin, body: { username, password: 'password123', role: 'operator' } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, message: `user "${username}" already exists; choose another username` });
  });

  it.each([
    { body: { username: 'shorty', password: 'short', role: 'operator' }, message: 'password: password must be at least 8 characters' },
    { body: { username: 'x', password: 'password123', role: 'operator' }, message: 'username: 2–32 of letters, digits, _ . -' },
    { body: { username: 'robert', password: 'password123', role: 'root' }, message: 'role: Invalid option: expected one of "operator"|"supervisor"|"admin"|"guard"' },
    { body: { username: 'robert' }, message: 'password: is required; role: is required' },
  ])('POST with invalid input answers 400: $message', async ({ body, message }) => {
    const res = await t.request('POST', '/api/users', { token: tokens.admin, body });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });

  it('ignores unknown fields: they never reach the database', async () => {
    const res = await t.request('POST', '/api/users', {
      token: tokens.admin,
      body: { username: 'extra', password: 'password123', role: 'operator', created_by: 'mallory', isRoot: true },
    });
    expect(res.status).toBe(201);
    const [row] = await t.db.query<{ created_by: string }>('SELECT created_by FROM users WHERE username = $1', ['extra']);
    expect(row.created_by).toBe('admin');
  });

  it('stores an argon2id hash, never the password', async () => {
    const [row] = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE username = $1', ['night-guard']);
    expect(row.password_hash).not.toContain('correct horse');
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(await argon2.verify(row.password_hash, 'correct horse')).toBe(true);
  });

  it.each([
    { as: 'admin', status: 200 },
    { as: 'supervisor', status: 403 },
    { as: 'operator', status: 403 },
  ])('GET as $as → $status', async ({ as, status }) => {
    const res = await t.request('GET', '/api/users', { token: tokens[as] });
    expect(res.status).toBe(status);
  });

  it('GET lists users with name and role only', async () => {
    const res = await t.request('GET', '/api/users', { token: tokens.admin });
    expect(res.body).toContainEqual({ username: 'supervisor', role: 'supervisor' });
    expect(res.body).toContainEqual({ username: 'night-guard', role: 'operator' });
    expect(JSON.stringify(res.body)).not.toContain('argon2');
  });
});
