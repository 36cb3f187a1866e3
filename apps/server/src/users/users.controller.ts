import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  ChangeRoleBodySchema,
  CreateUserBodySchema,
  ResetPasswordBodySchema,
  USERNAME_PATTERN,
  type ChangeRoleBody,
  type CreateUserBody,
  type ResetPasswordBody,
  type UserAccountDto,
  type UserDto,
} from '@estate-watch/contracts';
import { Audited } from '../audit/audited';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { ZodBody, ZodParam } from '../common/http/zod-validation';
import { ErrorSchema, UserSchema } from '../openapi/schemas';
import { UsersService } from './users.service';

const UsernameSchema = z.string().regex(USERNAME_PATTERN, '2–32 of letters, digits, _ . -');

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user' })
  @ApiCreatedResponse({ description: 'Created', schema: UserSchema })
  @ApiBadRequestResponse({
    description: 'Invalid body: the message names each field and its problem; outside the demo a password under 12 characters or on a list of common passwords',
    schema: ErrorSchema,
  })
  @ApiConflictResponse({ description: 'The username is taken', schema: ErrorSchema })
  @Audited('user.created')
  create(@ZodBody(CreateUserBodySchema) body: CreateUserBody, @CurrentUser() actor: UserDto): Promise<UserDto> {
    return this.users.create(body, actor.username);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List users' })
  @ApiOkResponse({ description: 'All users, by name', schema: { type: 'array', items: UserSchema } })
  list(): Promise<UserDto[]> {
    return this.users.list();
  }

  @Patch(':username')
  @Roles('admin')
  @ApiOperation({ summary: "Change a user's role (not your own); their live connections are closed and they sign in again" })
  @ApiOkResponse({ description: 'The user with the new role', schema: UserSchema })
  @ApiNotFoundResponse({ description: 'No such user', schema: ErrorSchema })
  @Audited('user.role_changed')
  changeRole(@ZodParam('username', UsernameSchema) username: string, @ZodBody(ChangeRoleBodySchema) body: ChangeRoleBody, @CurrentUser() actor: UserDto): Promise<UserDto> {
    return this.users.changeRole(username, body.role, actor.username);
  }

  @Delete(':username')
  @Roles('admin')
  @ApiOperation({ summary: 'Remove a user (not yourself); their tokens stop working and their live connections are closed' })
  @ApiOkResponse({ description: 'The removed user', schema: UserSchema })
  @ApiNotFoundResponse({ description: 'No such user', schema: ErrorSchema })
  @Audited('user.removed')
  remove(@ZodParam('username', UsernameSchema) username: string, @CurrentUser() actor: UserDto): Promise<UserDto> {
    return this.users.remove(username, actor.username);
  }

  @Get('accounts')
  @Roles('admin')
  @ApiOperation({ summary: 'Users with their state (disabled, created): the users screen' })
  accounts(): Promise<UserAccountDto[]> {
    return this.users.accounts();
  }

  @Post(':username/disable')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Disable a user (not yourself): no sign-in, their tokens stop working, their live connections close; the account stays' })
  @ApiNotFoundResponse({ description: 'No such user', schema: ErrorSchema })
  @Audited('user.disabled')
  disable(@ZodParam('username', UsernameSchema) username: string, @CurrentUser() actor: UserDto): Promise<UserAccountDto> {
    return this.users.setDisabled(username, true, actor.username);
  }

  @Post(':username/enable')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Enable a disabled user again' })
  @ApiNotFoundResponse({ description: 'No such user', schema: ErrorSchema })
  @Audited('user.enabled')
  enable(@ZodParam('username', UsernameSchema) username: string, @CurrentUser() actor: UserDto): Promise<UserAccountDto> {
    return this.users.setDisabled(username, false, actor.username);
  }

  @Post(':username/password')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: "Set a user's new password (outside the demo: at least 12 characters, not a common one)" })
  @ApiBadRequestResponse({ description: 'The password breaks a rule; the message says which', schema: ErrorSchema })
  @ApiNotFoundResponse({ description: 'No such user', schema: ErrorSchema })
  @Audited('user.password_reset')
  resetPassword(
    @ZodParam('username', UsernameSchema) username: string,
    @ZodBody(ResetPasswordBodySchema) body: ResetPasswordBody,
    @CurrentUser() actor: UserDto,
  ): Promise<UserAccountDto> {
    return this.users.resetPassword(username, body.password, actor.username);
  }
}
