// CONTRACT §7: the demo's users and the ADMIN_PASSWORD rule; the environment is the source of truth.
import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TEST_HASH_COST } from '../common/http/http.testing';
import type { Env } from '../config/env';
import type { Database } from '../db/database';
import { openDatabase } from '../db/open-database';
import { PasswordHasher } from './password-hasher';
import { UsersRepository, type UserRow } from './users.repository';
import { UsersService } from './users.service';

describe('UsersService.seedFromEnv', () => {
  let db: Database;
  let logged: string[];
  const hasher = new PasswordHasher(TEST_HASH_COST);
  const service = (env: Pick<Env, 'demo' | 'adminPassword'>) => new UsersService(new UsersRepository(db), hasher, env);
  const canSignIn = async (username: string, password: string) => (await service({ demo: true, adminPassword: '' }).verifyPassword(username, password)) !== undefined;

  beforeEach(async () => {
    db = await openDatabase({});
    logged = [];
    vi.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logged.push(String(message)));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await db.close();
  });

  it.each([
    { adminPassword: 'demo', said: 'password "demo"' },
    { adminPassword: 'chosen-by-ops', said: 'password the value of ADMIN_PASSWORD' },
  ])('demo with password $adminPassword: operator, supervisor and admin, said on the console', async ({ adminPassword, said }) => {
    await service({ demo: true, adminPassword }).seedFromEnv();
    expect(await service({ demo: true, adminPassword }).list()).toEqual([
      { username: 'admin', role: 'admin' },
      { username: 'operator', role: 'operator' },
      { username: 'supervisor', role: 'supervisor' },
    ]);
    for (const name of ['operator', 'supervisor', 'admin']) expect(await canSignIn(name, adminPassword)).toBe(true);
    expect(logged).toContainEqual(`Demo sign-in: users operator, supervisor, admin with ${said}`);
  });

  it('outside the demo makes only admin, with ADMIN_PASSWORD', async () => {
    await service({ demo: false, adminPassword: 'first-secret' }).seedFromEnv();
    expect(await service({ demo: false, adminPassword: '' }).list()).toEqual([{ username: 'admin', role: 'admin' }]);
    expect(await canSignIn('admin', 'first-secret')).toBe(true);
    expect(logged.join('\n')).not.toContain('first-secret');
  });

  it('a changed ADMIN_PASSWORD replaces the old one at the next start', async () => {
    await service({ demo: false, adminPassword: 'first-secret' }).seedFromEnv();
    await service({ demo: false, adminPassword: 'second-secret' }).seedFromEnv();
    expect(await canSignIn('admin', 'second-secret')).toBe(true);
    expect(await canSignIn('admin', 'first-secret')).toBe(false);
  });

  it('an unchanged ADMIN_PASSWORD keeps the stored hash (no rewrite at every start)', async () => {
    await service({ demo: false, adminPassword: 'same-secret' }).seedFromEnv();
    const [before] = await db.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE username = 'admin'`);
    await service({ demo: false, adminPassword: 'same-secret' }).seedFromEnv();
    const [after] = await db.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE username = 'admin'`);
    expect(after.password_hash).toBe(before.password_hash);
  });

  it('leaves users made through the API alone', async () => {
    await service({ demo: false, adminPassword: 'admin-secret' }).create({ username: 'dispatcher', password: 'dispatch-pass', role: 'supervisor' }, 'admin');
    await service({ demo: false, adminPassword: 'admin-secret' }).seedFromEnv();
    expect(await canSignIn('dispatcher', 'dispatch-pass')).toBe(true);
  });
});

describe('UsersService.verifyPassword', () => {
  let db: Database;
  beforeEach(async () => {
    db = await openDatabase({});
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await db.close();
  });

  it('runs a full argon2 verification for an unknown name too, so timing does not reveal which names exist', async () => {
    const hasher = new PasswordHasher(TEST_HASH_COST);
    const users = new UsersService(new UsersRepository(db), hasher, { demo: false, adminPassword: 'x' });
    await users.create({ username: 'known', password: 'known-user-pass', role: 'operator' });
    const verify = vi.spyOn(hasher, 'verify');

    expect(await users.verifyPassword('ghost', 'known-user-pass')).toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(1);
    expect(await users.verifyPassword('known', 'wrong-password')).toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(2);
    expect(await users.verifyPassword('KNOWN', 'known-user-pass')).toEqual({ username: 'known', role: 'operator' });
  });
});

describe(PasswordHasher.name, () => {
  it('hashes with argon2id at production cost by default (64 MiB, 3 passes)', async () => {
    const hash = await new PasswordHasher().hash('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/);
    expect(await new PasswordHasher().verify(hash, 'correct horse')).toBe(true);
  });

  it('treats a malformed stored hash as a wrong password', async () => {
    expect(await new PasswordHasher().verify('not-a-hash', 'anything')).toBe(false);
  });
});

describe('UsersService.find: requests arriving together share one read, and none outlives it', () => {
  beforeEach(() => void vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  afterEach(() => vi.restoreAllMocks());
  const row: UserRow = { username: 'ops', passwordHash: 'x', role: 'operator', createdAt: new Date(0), createdBy: null, disabledAt: null, passwordChangedAt: null, guardSiteId: null, guardId: null };
  /** A repository whose reads answer when the test says, counting them. */
  function pendingRepository() {
    const reads: { username: string; answer: (r: UserRow | undefined) => void }[] = [];
    const repository = {
      findByUsername: (username: string) => new Promise<UserRow | undefined>((answer) => reads.push({ username, answer })),
      setDisabled: async () => ({ ...row, disabledAt: new Date(1) }),
      updateRole: async () => row,
      setPassword: async () => row,
      delete: async () => row,
    };
    const service = new UsersService(repository as unknown as UsersRepository, new PasswordHasher(TEST_HASH_COST), { demo: false, adminPassword: 'x' });
    return { reads, service };
  }

  it('three finds of one name while its read is in flight: one read, one answer for all', async () => {
    const { reads, service } = pendingRepository();
    const found = [service.find('ops'), service.find('ops'), service.find('ops')];
    expect(reads).toHaveLength(1);
    reads[0]!.answer(row);
    expect(await Promise.all(found)).toEqual([{ username: 'ops', role: 'operator' }, { username: 'ops', role: 'operator' }, { username: 'ops', role: 'operator' }]);
  });

  it('a find after the read answered reads again (nothing is cached)', async () => {
    const { reads, service } = pendingRepository();
    const first = service.find('ops');
    reads[0]!.answer(row);
    await first;
    const second = service.find('ops');
    expect(reads).toHaveLength(2);
    reads[1]!.answer(undefined);
    expect(await second).toBeUndefined();
  });

  it('names are not shared: another name (or letter case) reads for itself', () => {
    const { reads, service } = pendingRepository();
    void service.find('ops');
    void service.find('Ops');
    void service.find('admin');
    expect(reads.map((r) => r.username)).toEqual(['ops', 'Ops', 'admin']);
  });

  it.each([
    { change: 'disable', run: (s: UsersService) => s.setDisabled('ops', true, 'admin') },
    { change: 'role change', run: (s: UsersService) => s.changeRole('ops', 'supervisor', 'admin') },
    { change: 'password reset', run: (s: UsersService) => s.resetPassword('ops', 'a-new-long-passphrase-9', 'admin') },
    { change: 'removal', run: (s: UsersService) => s.remove('ops', 'admin') },
  ])('a find after a $change does not join a read that began before it', async ({ run }) => {
    const { reads, service } = pendingRepository();
    const before = service.find('ops');
    await run(service);
    const after = service.find('ops');
    expect(reads).toHaveLength(2);
    reads[0]!.answer(row);
    reads[1]!.answer(undefined);
    expect(await before).toEqual({ username: 'ops', role: 'operator' });
    expect(await after).toBeUndefined();
  });
});
