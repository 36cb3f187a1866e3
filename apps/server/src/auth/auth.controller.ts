import { Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { LoginBodySchema, type LoginBody, type LoginResponse, type UserDto } from '@estate-watch/contracts';
import { ZodBody } from '../common/http/zod-validation';
import { ErrorSchema, LoginResponseSchema, UserSchema } from '../openapi/schemas';
import { CurrentUser, Public, Roles } from './auth.decorators';
import { AuthService } from './auth.service';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Sign in', description: 'Returns a token valid for 12 hours.' })
  @ApiOkResponse({ description: 'Signed in', schema: LoginResponseSchema })
  @ApiBadRequestResponse({ description: 'Invalid body: the message names each field and its problem', schema: ErrorSchema })
  @ApiUnauthorizedResponse({ description: 'wrong username or password', schema: ErrorSchema })
  @ApiTooManyRequestsResponse({ description: 'Too many failed sign-ins for this username from this address; wait', schema: ErrorSchema })
  login(@ZodBody(LoginBodySchema) body: LoginBody, @Ip() address: string): Promise<LoginResponse> {
    return this.auth.login(body, address);
  }

  @Get('me')
  @Roles('operator')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ description: 'The user the token belongs to', schema: UserSchema })
  me(@CurrentUser() user: UserDto): UserDto {
    return user;
  }
}
