// What an endpoint declared about who may call it. Read by the guard on every request and by
// the start-up check, so both agree on what "declared" means.
import type { Role } from '@estate-watch/contracts';

export const IS_PUBLIC_KEY = 'estate-watch:public';
export const ROLES_KEY = 'estate-watch:roles';

export type AccessRule = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] } | { kind: 'undeclared' };

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Target = Function | object;

/** The method's declaration wins over its controller's. */
export function readAccessRule(handler: Target, controller: Target): AccessRule {
  for (const target of [handler, controller]) {
    if (Reflect.getMetadata(IS_PUBLIC_KEY, target) === true) return { kind: 'public' };
    const roles = Reflect.getMetadata(ROLES_KEY, target) as Role[] | undefined;
    if (roles && roles.length > 0) return { kind: 'roles', roles };
  }
  return { kind: 'undeclared' };
}
