import type { UserDto } from '@estate-watch/contracts';

/** The parts of an Express request the auth code reads (the server does not depend on @types/express). */
export interface AuthenticatedRequest {
  method: string;
  originalUrl: string;
  headers: Record<string, string | string[] | undefined>;
  /** HTTPS, directly or as a trusted proxy says (TRUST_PROXY). */
  secure?: boolean;
  /** Set by AuthGuard on @Roles endpoints. */
  user?: UserDto;
}
