import { randomBytes } from 'node:crypto';
import { HttpException, HttpStatus, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { LoginBody, LoginResponse, Role, UserDto } from '@estate-watch/contracts';
import { AuditService } from '../audit/audit.service';
import { CLOCK, type Clock } from '../common/clock';
import { UsersService } from '../users/users.service';
import { LoginThrottle } from './login-throttle';

interface TokenClaims {
  sub: string;
  role: Role;
  /** The session's CSRF token (session-cookies.ts); absent in tokens from before issue 8. */
  csrf?: string;
}

/** A signed-in session: the API's answer plus the CSRF token the dashboard repeats in a header. */
export interface Session extends LoginResponse {
  csrf: string;
}

/** What a valid token stands for now. */
export interface VerifiedSession {
  user: UserDto;
  csrf?: string;
}

@Injectable()
export class AuthService {
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {
    this.throttle = new LoginThrottle(clock);
  }

  /** `address`: the client's IP, for slowing down password guessing. */
  async login(body: LoginBody, address = 'unknown'): Promise<Session> {
    // Counted before the hash is awaited, so parallel guesses cannot all slip past the limit.
    const waitMs = this.throttle.begin(address, body.username);
    // Audited under the name tried (issue 8 point 9), so an admin filtering by user sees the guesses at it too.
    const attempt = { actor: body.username, action: 'auth.login', address } as const;
    if (waitMs > 0) {
      if (this.throttle.firstRefusal(address, body.username)) await this.audit.record({ ...attempt, outcome: 'throttled' });
      const minutes = Math.ceil(waitMs / 60_000);
      throw new HttpException(`too many failed sign-ins for ${body.username}; try again in ${minutes} min`, HttpStatus.TOO_MANY_REQUESTS);
    }
    const user = await this.users.verifyPassword(body.username, body.password);
    if (!user) {
      await this.audit.record({ ...attempt, outcome: 'failed' });
      // One message for both cases: it must not reveal which usernames exist.
      throw new UnauthorizedException('wrong username or password');
    }
    this.throttle.recordSuccess(address, body.username);
    await this.audit.record({ ...attempt, actor: user.username });
    const csrf = randomBytes(24).toString('base64url');
    const claims: TokenClaims & { iat: number } = { sub: user.username, role: user.role, csrf, iat: this.nowSeconds() };
    return { token: await this.jwt.signAsync(claims), user, csrf };
  }

  /**
   * The user a bearer token belongs to, with the role the database holds now (so a removed user
   * is locked out even while the token is unexpired). Throws UnauthorizedException otherwise.
   * Used by the HTTP guard and by the live gateway's handshake.
   */
  async verifyToken(token: string): Promise<UserDto> {
    return (await this.verifySession(token)).user;
  }

  /** verifyToken, plus the session's CSRF token for cookie-signed-in requests. */
  async verifySession(token: string): Promise<VerifiedSession> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token, { clockTimestamp: this.nowSeconds() });
    } catch (error) {
      const expired = error instanceof Error && error.name === 'TokenExpiredError';
      throw new UnauthorizedException(expired ? 'token expired: sign in again' : 'invalid token: sign in again');
    }
    const { iat } = claims as TokenClaims & { iat?: unknown };
    const issuedAt = typeof iat === 'number' ? iat : undefined;
    const user = typeof claims.sub === 'string' ? await this.users.find(claims.sub, issuedAt) : undefined;
    if (!user) throw new UnauthorizedException('this token\'s user no longer exists, is disabled, or its password was reset: sign in again');
    return { user, csrf: typeof claims.csrf === 'string' ? claims.csrf : undefined };
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}
