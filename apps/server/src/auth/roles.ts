// Role hierarchy: operator < supervisor < admin. A role admits everyone at or above it, so
// @Roles('supervisor') lets supervisors and admins in, and @Roles('operator') any control-room user.
// `guard` (巡更员, CONTRACT §6: the phone page only) stands outside the hierarchy: @Roles('guard')
// admits guards alone, and no control-room route admits a guard.
import { STAFF_ROLES, type Role } from '@estate-watch/contracts';

const RANK: Readonly<Partial<Record<Role, number>>> = Object.fromEntries(STAFF_ROLES.map((role, i) => [role, i]));

export function roleSatisfies(held: Role, required: Role): boolean {
  if (held === 'guard' || required === 'guard') return held === required;
  const have = RANK[held];
  const need = RANK[required];
  return have !== undefined && need !== undefined && have >= need;
}

/** Several listed roles admit whoever satisfies any of them. */
export function roleSatisfiesAny(held: Role, required: readonly Role[]): boolean {
  return required.some((r) => roleSatisfies(held, r));
}
