/** Name of the OpenAPI security scheme for `Authorization: Bearer <token>`. */
export const BEARER_AUTH = 'bearer';
