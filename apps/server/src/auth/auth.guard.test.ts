import { Controller, ForbiddenException, Get, InternalServerErrorException, Logger, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { UserDto } from '@estate-watch/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Public, Roles } from './auth.decorators';
import { AuthGuard } from './auth.guard';
import type { AuthService } from './auth.service';
import { findUndeclaredRoutes } from './route-declarations';

@Controller('api/sample')
class SampleController {
  @Get('open') @Public() open() {}
  @Get('ops') @Roles('operator') ops() {}
  @Get('sup') @Roles('supervisor') sup() {}
  @Get('adm') @Roles('admin') adm() {}
  @Get('forgotten') forgotten() {}
  helper() {}
}

@Controller('api/class-level')
@Roles('supervisor')
class ClassLevelController {
  @Get() inherited() {}
  @Get('public') @Public() overridden() {}
}

const users: Record<string, UserDto> = {
  'op-token': { username: 'olga', role: 'operator' },
  'sup-token': { username: 'sam', role: 'supervisor' },
  'adm-token': { username: 'ada', role: 'admin' },
};
const auth = {
  verifySession: async (token: string) => {
    const user = users[token];
    if (!user) throw new UnauthorizedException('invalid token');
    return { user, csrf: `csrf-of-${token}` };
  },
} as AuthService;

function contextFor(controller: new () => object, method: string, authorization?: string, extra: { method?: string; headers?: Record<string, string> } = {}) {
  const headers = { ...(authorization ? { authorization } : {}), ...extra.headers };
  const request: Record<string, unknown> = { headers, method: extra.method ?? 'GET', originalUrl: '/' };
  const context = {
    getType: () => 'http',
    getClass: () => controller,
    getHandler: () => (controller.prototype as Record<string, unknown>)[method],
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { context, request };
}

describe(AuthGuard.name, () => {
  const guard = new AuthGuard(auth);
  afterEach(() => vi.restoreAllMocks());

  it.each([
    { route: 'open', token: undefined, outcome: 'admitted' },
    { route: 'ops', token: undefined, outcome: UnauthorizedException },
    { route: 'ops', token: 'forged', outcome: UnauthorizedException },
    { route: 'ops', token: 'op-token', outcome: 'admitted' },
    { route: 'sup', token: 'op-token', outcome: ForbiddenException },
    { route: 'sup', token: 'sup-token', outcome: 'admitted' },
    { route: 'sup', token: 'adm-token', outcome: 'admitted' },
    { route: 'adm', token: 'sup-token', outcome: ForbiddenException },
    { route: 'adm', token: 'adm-token', outcome: 'admitted' },
  ])('$route with $token → $outcome.name', async ({ route, token, outcome }) => {
    const { context } = contextFor(SampleController, route, token && `Bearer ${token}`);
    if (outcome === 'admitted') await expect(guard.canActivate(context)).resolves.toBe(true);
    else await expect(guard.canActivate(context)).rejects.toBeInstanceOf(outcome);
  });

  it('fails closed: a route with neither @Public nor @Roles is refused and the handler is named in the log', async () => {
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { context } = contextFor(SampleController, 'forgotten', 'Bearer adm-token');
    await expect(guard.canActivate(context)).rejects.toBeInstanceOf(InternalServerErrorException);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('SampleController.forgotten'));
  });

  it('puts the signed-in user on the request', async () => {
    const { context, request } = contextFor(SampleController, 'ops', 'Bearer sup-token');
    await guard.canActivate(context);
    expect(request.user).toEqual(users['sup-token']);
  });

  it.each([
    { header: 'Bearer', why: 'no token after the scheme' },
    { header: 'Basic b3A6b3A=', why: 'another scheme' },
    { header: 'op-token', why: 'no scheme' },
  ])('refuses the header "$header" ($why)', async ({ header }) => {
    const { context } = contextFor(SampleController, 'ops', header);
    await expect(guard.canActivate(context)).rejects.toBeInstanceOf(UnauthorizedException);
  });

  it('applies a controller-level @Roles to methods without their own, and lets a method-level @Public win', async () => {
    await expect(guard.canActivate(contextFor(ClassLevelController, 'inherited', 'Bearer op-token').context)).rejects.toBeInstanceOf(ForbiddenException);
    await expect(guard.canActivate(contextFor(ClassLevelController, 'inherited', 'Bearer sup-token').context)).resolves.toBe(true);
    await expect(guard.canActivate(contextFor(ClassLevelController, 'overridden').context)).resolves.toBe(true);
  });
});

// Issue 8 point 7: the dashboard's session cookie, with the CSRF header on state-changing calls.
describe(`${AuthGuard.name} with the session cookie`, () => {
  const guard = new AuthGuard(auth);
  const withCookie = (method: string, headers: Record<string, string>) => contextFor(SampleController, 'ops', undefined, { method, headers });

  it.each<{ method: string; headers: Record<string, string>; outcome: 'admitted' | typeof ForbiddenException | typeof UnauthorizedException; why: string }>([
    { method: 'GET', headers: { cookie: 'ew_session=op-token' }, outcome: 'admitted', why: 'reading needs no CSRF token' },
    { method: 'POST', headers: { cookie: 'ew_session=op-token' }, outcome: ForbiddenException, why: 'no CSRF header' },
    { method: 'POST', headers: { cookie: 'ew_session=op-token', 'x-csrf-token': 'csrf-of-sup-token' }, outcome: ForbiddenException, why: "another session's CSRF token" },
    { method: 'POST', headers: { cookie: 'ew_session=op-token', 'x-csrf-token': 'csrf-of-op-token' }, outcome: 'admitted', why: "the session's own CSRF token" },
    { method: 'DELETE', headers: { cookie: 'ew_session=op-token; ew_csrf=csrf-of-op-token' }, outcome: ForbiddenException, why: 'the CSRF cookie alone is what a forged request carries' },
    { method: 'GET', headers: { cookie: 'ew_session=forged' }, outcome: UnauthorizedException, why: 'an invalid cookie token' },
    { method: 'GET', headers: { cookie: 'theme=dark' }, outcome: UnauthorizedException, why: 'no session cookie' },
    { method: 'POST', headers: { cookie: 'ew_session=forged', authorization: 'Bearer op-token' }, outcome: 'admitted', why: 'a bearer header wins and needs no CSRF token' },
  ])('$method with $headers → $outcome.name ($why)', async ({ method, headers, outcome }) => {
    const { context } = withCookie(method, headers);
    if (outcome === 'admitted') await expect(guard.canActivate(context)).resolves.toBe(true);
    else await expect(guard.canActivate(context)).rejects.toBeInstanceOf(outcome);
  });
});

describe(findUndeclaredRoutes.name, () => {
  it('lists exactly the routes without a declaration, ignoring plain methods', () => {
    expect(findUndeclaredRoutes([SampleController, ClassLevelController])).toEqual(['SampleController.forgotten (GET /api/sample/forgotten)']);
  });
});
