import { describe, expect, it } from 'vitest';
import { roleSatisfies, roleSatisfiesAny } from './roles';

describe('role hierarchy: operator < supervisor < admin', () => {
  it.each([
    { held: 'operator', required: 'operator', admitted: true },
    { held: 'operator', required: 'supervisor', admitted: false },
    { held: 'operator', required: 'admin', admitted: false },
    { held: 'supervisor', required: 'operator', admitted: true },
    { held: 'supervisor', required: 'supervisor', admitted: true },
    { held: 'supervisor', required: 'admin', admitted: false },
    { held: 'admin', required: 'operator', admitted: true },
    { held: 'admin', required: 'supervisor', admitted: true },
    { held: 'admin', required: 'admin', admitted: true },
  ] as const)('$held for @Roles($required) → $admitted', ({ held, required, admitted }) => {
    expect(roleSatisfies(held, required)).toBe(admitted);
  });

  it('admits a role that satisfies any of several listed roles', () => {
    expect(roleSatisfiesAny('supervisor', ['admin', 'supervisor'])).toBe(true);
    expect(roleSatisfiesAny('operator', ['admin', 'supervisor'])).toBe(false);
  });

  it.each([
    { held: 'guard', required: 'guard', admitted: true },
    { held: 'guard', required: 'operator', admitted: false },
    { held: 'guard', required: 'admin', admitted: false },
    { held: 'operator', required: 'guard', admitted: false },
    { held: 'admin', required: 'guard', admitted: false },
  ] as const)('guard stands outside the hierarchy: $held for @Roles($required) → $admitted', ({ held, required, admitted }) => {
    expect(roleSatisfies(held, required)).toBe(admitted);
  });

  it('admits nobody for a role it does not know (a stale token or a bad row)', () => {
    expect(roleSatisfies('root' as never, 'operator')).toBe(false);
  });
});
