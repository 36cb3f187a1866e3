import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateUserBodySchema, type CreateUserBody, type UserDto } from '@estate-watch/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { ZodBody } from '../common/http/zod-validation';
import { ErrorSchema, UserSchema } from '../openapi/schemas';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user' })
  @ApiCreatedResponse({ description: 'Created', schema: UserSchema })
  @ApiBadRequestResponse({ description: 'Invalid body: the message names each field and its problem', schema: ErrorSchema })
  @ApiConflictResponse({ description: 'The username is taken', schema: ErrorSchema })
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
}
