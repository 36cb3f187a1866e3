// Response shapes for the OpenAPI document (request shapes come from the zod schemas).
import { ROLES } from '@estate-watch/contracts';

export const UserSchema = {
  type: 'object',
  required: ['username', 'role'],
  properties: {
    username: { type: 'string', example: 'operator' },
    role: { type: 'string', enum: [...ROLES] },
  },
};

export const LoginResponseSchema = {
  type: 'object',
  required: ['token', 'user'],
  properties: {
    token: { type: 'string', description: 'JWT (HS256), valid 12 h; send as Authorization: Bearer <token>' },
    user: UserSchema,
  },
};

export const ErrorSchema = {
  type: 'object',
  required: ['statusCode', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: { type: 'string', example: 'password: password must be at least 8 characters' },
  },
};
