// How an endpoint declares who may call it (STYLE: permissions are declared, not coded in bodies).
// Every route needs one of @Public() or @Roles(...); the global AuthGuard refuses any that has neither.
import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Role, UserDto } from '@estate-watch/contracts';
import { BEARER_AUTH } from '../openapi/bearer';
import { IS_PUBLIC_KEY, ROLES_KEY } from './access-rule';
import type { AuthenticatedRequest } from './authenticated-request';

/** Anyone may call it, no token needed (login, health). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * A valid bearer token whose user holds one of these roles or a higher one
 * (operator < supervisor < admin): @Roles('supervisor') admits supervisors and admins.
 * On a controller it applies to every method that does not declare its own.
 */
export const Roles = (...roles: [Role, ...Role[]]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(BEARER_AUTH),
    ApiUnauthorizedResponse({ description: 'No token, or an invalid or expired one' }),
    ApiForbiddenResponse({ description: `Needs role ${roles.join(' or ')} or higher` }),
  );

/** The signed-in user (only on @Roles endpoints). */
export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): UserDto | undefined => context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);
