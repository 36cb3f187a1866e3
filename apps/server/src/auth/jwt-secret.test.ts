// The generated signing secret is kept in the database: tokens survive a restart, and several
// instances on one database accept each other's tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { createTestApp } from '../common/http/http.testing';
import type { Database } from '../db/database';
import { openDatabase } from '../db/open-database';
import { JwtService } from '@nestjs/jwt';
import { createJwtService, resolveJwtSecret, TOKEN_ISSUER } from './jwt-options';
import { SettingsRepository } from './settings.repository';

describe('token signing secret', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({});
  });
  afterAll(() => db.close());

  it('a token from before a restart is still accepted after it', async () => {
    const clock = new ManualClock(new Date());
    const before = await createTestApp({ db, clock });
    const token = await before.login('admin');
    await before.close();

    const after = await createTestApp({ db, clock, seed: false });
    const res = await after.request('GET', '/api/auth/me', { token });
    await after.close();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ username: 'admin', role: 'admin' });
  });

  it('is generated once, 48 random bytes, and then shared', async () => {
    const settings = new SettingsRepository(db);
    const [a, b] = await Promise.all([resolveJwtSecret({}, settings), resolveJwtSecret({}, settings)]);
    expect(a).toBe(b);
    expect(Buffer.from(a, 'base64url')).toHaveLength(48);
  });

  it('the secret is the HMAC key it names: tokens signed with the plain string and with the service verify each other', async () => {
    const secret = 'a shared secret with ünïcode';
    const service = createJwtService(secret);
    const plain = new JwtService({ secret, verifyOptions: { algorithms: ['HS256'], issuer: TOKEN_ISSUER } });
    const fromPlain = await plain.signAsync({ sub: 'admin' }, { algorithm: 'HS256', issuer: TOKEN_ISSUER });
    const fromService = await service.signAsync({ sub: 'admin' });
    expect(await service.verifyAsync<{ sub: string }>(fromPlain)).toMatchObject({ sub: 'admin' });
    expect(await plain.verifyAsync<{ sub: string }>(fromService)).toMatchObject({ sub: 'admin', iss: TOKEN_ISSUER });
    await expect(createJwtService('another secret').verifyAsync(fromService)).rejects.toThrow(/signature/);
  });

  it('JWT_SECRET, when set, is used instead and not stored', async () => {
    const fresh = await openDatabase({});
    const secret = 's'.repeat(40);
    expect(await resolveJwtSecret({ jwtSecret: secret }, new SettingsRepository(fresh))).toBe(secret);
    expect(await fresh.query('SELECT * FROM settings')).toEqual([]);
    await fresh.close();
  });
});
