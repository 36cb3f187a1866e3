// The only place with SQL for users (STYLE: one repository per service). Every query is parameterised.
import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@estate-watch/contracts';
import { DATABASE, type Queryable } from '../db/database';

export interface UserRow {
  username: string;
  passwordHash: string;
  role: Role;
  createdAt: Date;
  createdBy: string | null;
  /** Set while an admin has the account disabled: no sign-in, no token accepted. */
  disabledAt: Date | null;
  /** Set by a password reset: tokens issued before it are no longer accepted. */
  passwordChangedAt: Date | null;
  /** role `guard`: the site file's guard this account is. */
  guardSiteId: string | null;
  guardId: string | null;
}

export interface NewUser {
  username: string;
  passwordHash: string;
  role: Role;
  createdBy?: string;
  guard?: { siteId: string; guardId: string };
}

const COLUMNS = `username, password_hash AS "passwordHash", role, created_at AS "createdAt", created_by AS "createdBy", disabled_at AS "disabledAt", password_changed_at AS "passwordChangedAt", guard_site_id AS "guardSiteId", guard_id AS "guardId"`;

@Injectable()
export class UsersRepository {
  constructor(@Inject(DATABASE) private readonly db: Queryable) {}

  /** Case-insensitive: `Admin` and `admin` are one person to a control room. */
  async findByUsername(username: string): Promise<UserRow | undefined> {
    const rows = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE lower(username) = lower($1)`, [username]);
    return rows[0];
  }

  /** false when the name is taken, in any letter case. */
  async insert(user: NewUser): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO users (username, password_hash, role, created_by, guard_site_id, guard_id)
       SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM users WHERE lower(username) = lower($1))
       ON CONFLICT (username) DO NOTHING
       RETURNING username`,
      [user.username, user.passwordHash, user.role, user.createdBy ?? null, user.guard?.siteId ?? null, user.guard?.guardId ?? null],
    );
    return rows.length === 1;
  }

  async updateCredentials(username: string, passwordHash: string, role: Role): Promise<void> {
    await this.db.query('UPDATE users SET password_hash = $2, role = $3 WHERE username = $1', [username, passwordHash, role]);
  }

  /** The user as it was before, or undefined when there is none (any letter case). */
  async updateRole(username: string, role: Role): Promise<UserRow | undefined> {
    const rows = await this.db.query<UserRow>(
      `UPDATE users u SET role = $2 FROM users old
       WHERE lower(u.username) = lower($1) AND old.username = u.username
       RETURNING old.username, old.password_hash AS "passwordHash", old.role, old.created_at AS "createdAt", old.created_by AS "createdBy", old.disabled_at AS "disabledAt", old.password_changed_at AS "passwordChangedAt",
         old.guard_site_id AS "guardSiteId", old.guard_id AS "guardId"`,
      [username, role],
    );
    return rows[0];
  }

  /** The removed user, or undefined when there was none. */
  async delete(username: string): Promise<UserRow | undefined> {
    const rows = await this.db.query<UserRow>(`DELETE FROM users WHERE lower(username) = lower($1) RETURNING ${COLUMNS}`, [username]);
    return rows[0];
  }

  /** The account of one guard, if it has one. */
  async findGuardAccount(siteId: string, guardId: string): Promise<UserRow | undefined> {
    const rows = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE role = 'guard' AND guard_site_id = $1 AND guard_id = $2`, [siteId, guardId]);
    return rows[0];
  }

  async list(): Promise<UserRow[]> {
    return this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY username`);
  }

  /** Disables (at set) or enables (at null) an account; the user after, or undefined when there is none. */
  async setDisabled(username: string, at: Date | null, by: string | null): Promise<UserRow | undefined> {
    const rows = await this.db.query<UserRow>(
      `UPDATE users SET disabled_at = $2, disabled_by = $3 WHERE lower(username) = lower($1) RETURNING ${COLUMNS}`,
      [username, at, by],
    );
    return rows[0];
  }

  async setPassword(username: string, passwordHash: string, at: Date): Promise<UserRow | undefined> {
    const rows = await this.db.query<UserRow>(
      `UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE lower(username) = lower($1) RETURNING ${COLUMNS}`,
      [username, passwordHash, at],
    );
    return rows[0];
  }
}
