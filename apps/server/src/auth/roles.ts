// Role hierarchy: operator < supervisor < admin. A role admits everyone at or above it, so
// @Roles('supervisor') lets supervisors and admins in, and @Roles('operator') any signed-in user.
import { ROLES, type Role } from '@estate-watch/contracts';

const RANK: Readonly<Record<Role, number>> = Object.fromEntries(ROLES.map((role, i) => [role, i])) as Record<Role, number>;

export function roleSatisfies(held: Role, required: Role): boolean {
  return RANK[held] !== undefined && RANK[held] >= RANK[required];
}

/** Several listed roles admit whoever satisfies any of them. */
export function roleSatisfiesAny(held: Role, required: readonly Role[]): boolean {
  return required.some((r) => roleSatisfies(held, r));
}
