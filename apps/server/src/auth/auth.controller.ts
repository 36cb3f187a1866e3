import { Controller, Get, HttpCode, Ip, Post, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { LoginBodySchema, type LoginBody, type LoginResponse, type UserDto } from '@estate-watch/contracts';
import { ZodBody } from '../common/http/zod-validation';
import { ErrorSchema, LoginResponseSchema, UserSchema } from '../openapi/schemas';
import { CurrentUser, Public, Roles } from './auth.decorators';
import { AuthService } from './auth.service';
import type { AuthenticatedRequest } from './authenticated-request';
import { clearedCookies, sessionCookies } from './session-cookies';

/** The one part of Express's response this controller writes. */
interface CookieResponse {
  setHeader(name: 'Set-Cookie', value: string[]): unknown;
}

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Sign in',
    description:
      'Returns a token valid for 12 hours (send it as Authorization: Bearer). Also sets the httpOnly SameSite=Strict session ' +
      'cookie ew_session the dashboard uses, and ew_csrf, whose value a cookie-signed-in POST, PATCH or DELETE repeats in X-CSRF-Token.',
  })
  @ApiOkResponse({ description: 'Signed in', schema: LoginResponseSchema })
  @ApiBadRequestResponse({ description: 'Invalid body: the message names each field and its problem', schema: ErrorSchema })
  @ApiUnauthorizedResponse({ description: 'wrong username or password', schema: ErrorSchema })
  @ApiTooManyRequestsResponse({ description: 'Too many failed sign-ins for this username from this address; wait', schema: ErrorSchema })
  async login(
    @ZodBody(LoginBodySchema) body: LoginBody,
    @Ip() address: string,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: CookieResponse,
  ): Promise<LoginResponse> {
    const session = await this.auth.login(body, address);
    response.setHeader('Set-Cookie', sessionCookies(session.token, session.csrf, request.secure === true));
    return { token: session.token, user: session.user };
  }

  @Post('logout')
  @HttpCode(204)
  @Public()
  @ApiOperation({ summary: "Sign out of the dashboard: clears the session cookies (a bearer token stays valid until it expires)" })
  logout(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: CookieResponse): void {
    response.setHeader('Set-Cookie', clearedCookies(request.secure === true));
  }

  @Get('me')
  @Roles('operator', 'guard')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ description: 'The user the token belongs to', schema: UserSchema })
  me(@CurrentUser() user: UserDto): UserDto {
    return user;
  }
}
