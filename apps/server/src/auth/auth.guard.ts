// The one global guard (APP_GUARD): authenticates the bearer token or the dashboard's session
// cookie (with its CSRF header on state-changing calls: session-cookies.ts) and checks @Roles.
// It fails closed: a route that declares neither @Public() nor @Roles() is refused, so a
// forgotten declaration can never open an endpoint.
import { ForbiddenException, Injectable, InternalServerErrorException, Logger, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { UserDto } from '@estate-watch/contracts';
import { readAccessRule } from './access-rule';
import { AuthService } from './auth.service';
import type { AuthenticatedRequest } from './authenticated-request';
import { roleSatisfiesAny } from './roles';
import { csrfProblem, CSRF_HEADER, readCookie, SESSION_COOKIE } from './session-cookies';

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Nest applies global guards to HTTP only; the live gateway checks its token at the handshake.
    if (context.getType() !== 'http') return true;
    const rule = readAccessRule(context.getHandler(), context.getClass());
    if (rule.kind === 'undeclared') {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares neither @Public() nor @Roles(): refused`);
      throw new InternalServerErrorException('this endpoint declares no access rule');
    }
    if (rule.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = await this.authenticate(request);
    if (!roleSatisfiesAny(user.role, rule.roles)) {
      throw new ForbiddenException(`this needs the ${rule.roles.join(' or ')} role; ${user.username} is ${user.role}`);
    }
    request.user = user;
    return true;
  }

  /** A bearer header wins; without one, the session cookie, which needs the CSRF header to change anything. */
  private async authenticate(request: AuthenticatedRequest): Promise<UserDto> {
    if (request.headers.authorization === undefined) {
      const cookieToken = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (cookieToken) {
        const session = await this.auth.verifySession(cookieToken);
        const problem = csrfProblem(request.method, request.headers[CSRF_HEADER], session.csrf);
        if (problem) throw new ForbiddenException(problem);
        return session.user;
      }
    }
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new UnauthorizedException('sign in first: send the header Authorization: Bearer <token> (or sign in on the dashboard)');
    return (await this.auth.verifySession(token)).user;
  }
}

function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
