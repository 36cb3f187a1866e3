import { BadRequestException, ConflictException, Inject, Injectable, Logger, NotFoundException, Optional } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { CreateUserBody, Role, UserAccountDto, UserDto } from '@estate-watch/contracts';
import { CLOCK, type Clock } from '../common/clock';
import { ENV, type Env } from '../config/env';
import { SitesService } from '../sites/sites.service';
import { PasswordHasher } from './password-hasher';
import { passwordProblem } from './password-policy';
import { UsersRepository, type UserRow } from './users.repository';

/** CONTRACT §7: the demo's users, all with ADMIN_PASSWORD or `demo`. */
export const DEMO_USERS: readonly UserDto[] = [
  { username: 'operator', role: 'operator' },
  { username: 'supervisor', role: 'supervisor' },
  { username: 'admin', role: 'admin' },
];
const ADMIN: UserDto = { username: 'admin', role: 'admin' };
const DEFAULT_DEMO_PASSWORD = 'demo';

/** A signed-in user's rights changed: the live gateway drops their sockets (issue 8 point 6). */
export type UserChanged = { kind: 'role_changed'; username: string; from: Role; to: Role } | { kind: 'removed'; username: string };

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);
  private readonly changes = new Subject<UserChanged>();
  readonly changes$ = this.changes.asObservable();
  /**
   * find()'s reads in flight, by the name asked: requests that arrive together (a dashboard's or
   * the path bench's parallel GETs under one token) share one read instead of one each. Nothing
   * is kept once a read answers, so every later request reads the database again (a user removed
   * by hand in SQL, or by another server, is refused from the next request on); and each change
   * made here drops the reads in flight, so nothing asked after it is answered from before it.
   */
  private readonly lookups = new Map<string, Promise<UserRow | undefined>>();

  constructor(
    private readonly repository: UsersRepository,
    private readonly hasher: PasswordHasher,
    @Inject(ENV) private readonly env: Pick<Env, 'demo' | 'adminPassword'>,
    @Optional() private readonly sites?: SitesService,
    @Optional() @Inject(CLOCK) private readonly clock?: Clock,
  ) {}

  async create(body: CreateUserBody, createdBy?: string): Promise<UserDto> {
    // Issue 8 point 8; the demo keeps its short password, ADMIN_PASSWORD was checked in config/env.ts.
    const weakness = this.env.demo || createdBy === 'environment' ? undefined : passwordProblem(body.password);
    if (weakness) throw new BadRequestException(`password: ${weakness}`);
    const guard = body.role === 'guard' ? await this.guardOf(body) : undefined;
    const passwordHash = await this.hasher.hash(body.password);
    const inserted = this.changed(await this.repository.insert({ username: body.username, passwordHash, role: body.role, createdBy, guard }));
    if (!inserted) throw new ConflictException(`user "${body.username}" already exists; choose another username`);
    this.logger.log(`user ${body.username} (${body.role}${guard ? ` ${guard.siteId}/${guard.guardId}` : ''}) created by ${createdBy ?? 'the server'}`);
    return { username: body.username, role: body.role, ...(guard ? { guard } : {}) };
  }

  /** A guard account is one guard of a site file (CONTRACT §2 `guards:`), and each guard has at most one. */
  private async guardOf(body: CreateUserBody): Promise<{ siteId: string; guardId: string }> {
    const sites = this.sites?.all() ?? [];
    const site = body.siteId ? sites.find((s) => s.site.id === body.siteId) : sites.length === 1 ? sites[0] : undefined;
    if (!site) throw new BadRequestException(body.siteId ? `siteId: no site "${body.siteId}"` : `siteId: required, this server runs ${sites.length} sites (${sites.map((s) => s.site.id).join(', ')})`);
    const guard = site.guards.find((g) => g.id === body.guardId);
    if (!guard) throw new BadRequestException(`guardId: site ${site.site.id} has no guard "${body.guardId}" (guards: ${site.guards.map((g) => g.id).join(', ') || 'none'})`);
    const taken = await this.repository.findGuardAccount(site.site.id, guard.id);
    if (taken) throw new ConflictException(`guard ${guard.id} (${guard.name}) already has the account "${taken.username}"`);
    return { siteId: site.site.id, guardId: guard.id };
  }

  /** The user when the password is right, otherwise undefined; an unknown or disabled name costs the same time. */
  async verifyPassword(username: string, password: string): Promise<UserDto | undefined> {
    const row = await this.repository.findByUsername(username);
    if (!row || row.disabledAt) return this.hasher.verifyNobody(password).then(() => undefined);
    return (await this.hasher.verify(row.passwordHash, password)) ? toDto(row) : undefined;
  }

  /**
   * A signed-in user's account as it is now: undefined once removed or disabled, or when the token
   * (issued at `issuedAtSec`, JWT seconds) predates a password reset: their token stops working.
   */
  async find(username: string, issuedAtSec?: number): Promise<UserDto | undefined> {
    const row = await this.lookUp(username);
    if (!row || row.disabledAt) return undefined;
    if (row.passwordChangedAt && issuedAtSec !== undefined && Math.floor(row.passwordChangedAt.getTime() / 1000) > issuedAtSec) return undefined;
    return toDto(row);
  }

  private lookUp(username: string): Promise<UserRow | undefined> {
    let read = this.lookups.get(username);
    if (!read) {
      const started = this.repository.findByUsername(username).finally(() => {
        if (this.lookups.get(username) === started) this.lookups.delete(username);
      });
      this.lookups.set(username, started);
      read = started;
    }
    return read;
  }

  /** After each change of an account: a request from now on reads the database after the change. */
  private changed<T>(result: T): T {
    this.lookups.clear();
    return result;
  }

  /** Disabling keeps the account (and its name in the audit log) but shuts it out; not your own. */
  async setDisabled(username: string, disabled: boolean, by: string): Promise<UserAccountDto> {
    if (disabled && username.toLowerCase() === by.toLowerCase()) throw new BadRequestException('you cannot disable your own account; ask another admin');
    const row = this.changed(await this.repository.setDisabled(username, disabled ? new Date() : null, disabled ? by : null));
    if (!row) throw new NotFoundException(`no user "${username}"`);
    this.logger.log(`user ${row.username} ${disabled ? 'disabled' : 'enabled'} by ${by}`);
    if (disabled) this.changes.next({ kind: 'removed', username: row.username });
    return toAccount(row);
  }

  /** An admin sets a new password with the same rules as a new user's (issue 8 point 8). */
  async resetPassword(username: string, password: string, by: string): Promise<UserAccountDto> {
    const weakness = this.env.demo ? undefined : passwordProblem(password);
    if (weakness) throw new BadRequestException(`password: ${weakness}`);
    const row = this.changed(await this.repository.setPassword(username, await this.hasher.hash(password), this.clock?.now() ?? new Date()));
    if (!row) throw new NotFoundException(`no user "${username}"`);
    this.logger.log(`user ${row.username}: password reset by ${by}`);
    // Sessions signed in with the old password end: their tokens are refused from now (find), their live sockets close.
    this.changes.next({ kind: 'removed', username: row.username });
    return toAccount(row);
  }

  /** The users screen: every account with its state. */
  async accounts(): Promise<UserAccountDto[]> {
    return (await this.repository.list()).map(toAccount);
  }

  /** Admins change roles; not their own, so the last admin cannot lock everyone out by a slip. */
  async changeRole(username: string, role: Role, by: string): Promise<UserDto> {
    if (username.toLowerCase() === by.toLowerCase()) throw new BadRequestException('you cannot change your own role; ask another admin');
    const before = this.changed(await this.repository.updateRole(username, role));
    if (!before) throw new NotFoundException(`no user "${username}"`);
    if (before.role !== role) {
      this.logger.log(`user ${before.username}: role ${before.role} → ${role} by ${by}`);
      this.changes.next({ kind: 'role_changed', username: before.username, from: before.role, to: role });
    }
    return { username: before.username, role };
  }

  async remove(username: string, by: string): Promise<UserDto> {
    if (username.toLowerCase() === by.toLowerCase()) throw new BadRequestException('you cannot remove your own account; ask another admin');
    const removed = this.changed(await this.repository.delete(username));
    if (!removed) throw new NotFoundException(`no user "${username}"`);
    this.logger.log(`user ${removed.username} removed by ${by}`);
    this.changes.next({ kind: 'removed', username: removed.username });
    return toDto(removed);
  }

  async list(): Promise<UserDto[]> {
    return (await this.repository.list()).map(toDto);
  }

  /**
   * Called once at start-up. The environment is the source of truth for these accounts
   * (CONTRACT §7): a changed ADMIN_PASSWORD replaces the stored hash on the next start.
   * Demo: operator, supervisor, admin. Otherwise: admin only; other users are made through the API.
   */
  async seedFromEnv(): Promise<void> {
    const users: UserDto[] = this.env.demo ? [...DEMO_USERS, ...this.demoGuard()] : [ADMIN];
    for (const user of users) await this.ensure(user, this.env.adminPassword);
    if (this.env.demo) {
      const password = this.env.adminPassword === DEFAULT_DEMO_PASSWORD ? `"${DEFAULT_DEMO_PASSWORD}"` : 'the value of ADMIN_PASSWORD';
      this.logger.log(`Demo sign-in: users ${users.map((u) => u.username).join(', ')} with password ${password}`);
    } else {
      this.logger.log('User admin signs in with the password in ADMIN_PASSWORD');
    }
  }

  /** The demo's guard account (issue 12 point 8): user `guard` is the demo site's first guard, for the phone page at /guard. */
  private demoGuard(): UserDto[] {
    const site = this.sites?.all()[0];
    const first = site?.guards[0];
    return site && first ? [{ username: 'guard', role: 'guard', guard: { siteId: site.site.id, guardId: first.id } }] : [];
  }

  private async ensure(user: UserDto, password: string): Promise<void> {
    const existing = await this.repository.findByUsername(user.username);
    if (!existing) {
      await this.create({ username: user.username, role: user.role, password, ...(user.guard ? { guardId: user.guard.guardId, siteId: user.guard.siteId } : {}) }, 'environment');
      return;
    }
    // A name already taken by a staff account stays that account: the demo guard is a convenience.
    if (user.role === 'guard' && existing.role !== 'guard') return;
    const current = existing.role === user.role && (await this.hasher.verify(existing.passwordHash, password));
    if (current) return;
    this.changed(await this.repository.updateCredentials(existing.username, await this.hasher.hash(password), user.role));
    this.logger.log(`user ${existing.username}: password and role set from the environment`);
  }
}

function toDto(row: UserRow): UserDto {
  return { username: row.username, role: row.role, ...(row.role === 'guard' && row.guardSiteId && row.guardId ? { guard: { siteId: row.guardSiteId, guardId: row.guardId } } : {}) };
}

function toAccount(row: UserRow): UserAccountDto {
  return { username: row.username, role: row.role, disabled: row.disabledAt !== null, createdAt: row.createdAt.toISOString(), ...(row.createdBy && { createdBy: row.createdBy }) };
}
