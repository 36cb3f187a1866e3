// Issue 8 point 7: the dashboard's session lives in an httpOnly cookie that page scripts cannot
// read, SameSite=Strict so other sites' pages never send it. State-changing calls signed in by
// that cookie must repeat the session's CSRF token in a header (double submit, OWASP CSRF
// cheat sheet): the token is readable from a second, script-visible cookie on our origin only,
// and it is bound to the session (a claim in the signed token), so a cookie planted by a
// neighbouring subdomain cannot supply a matching pair. Bearer tokens (API clients, device tools)
// need none of this: a browser never adds an Authorization header by itself.
import { timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import { TOKEN_TTL_SECONDS } from './jwt-options';

export const SESSION_COOKIE = 'ew_session';
export const CSRF_COOKIE = 'ew_csrf';
/** Lower case: Node gives header names in lower case. */
export const CSRF_HEADER = 'x-csrf-token';

/** Methods that change nothing (RFC 9110 §9.2.1) need no CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Set-Cookie values for a new session. `secure` when the request came over HTTPS (directly or via a trusted proxy). */
export function sessionCookies(token: string, csrf: string, secure: boolean): string[] {
  const common = { path: '/', sameSite: 'strict' as const, secure, maxAge: TOKEN_TTL_SECONDS };
  return [
    stringifySetCookie({ name: SESSION_COOKIE, value: token, httpOnly: true, ...common }),
    stringifySetCookie({ name: CSRF_COOKIE, value: csrf, httpOnly: false, ...common }),
  ];
}

/** Set-Cookie values that end the session in this browser. */
export function clearedCookies(secure: boolean): string[] {
  const common = { path: '/', sameSite: 'strict' as const, secure, maxAge: 0, expires: new Date(0) };
  return [stringifySetCookie({ name: SESSION_COOKIE, value: '', httpOnly: true, ...common }), stringifySetCookie({ name: CSRF_COOKIE, value: '', ...common })];
}

export function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  const value = parseCookie(header)[name];
  return value ? value : undefined;
}

/** Why a cookie-signed-in request is refused, or undefined when it may go on. */
export function csrfProblem(method: string, header: string | string[] | undefined, expected: string | undefined): string | undefined {
  if (SAFE_METHODS.has(method.toUpperCase())) return undefined;
  const sent = typeof header === 'string' ? Buffer.from(header) : undefined;
  const wanted = expected ? Buffer.from(expected) : undefined;
  if (sent && wanted && sent.length === wanted.length && timingSafeEqual(sent, wanted)) return undefined;
  return `missing or wrong X-CSRF-Token header: a request signed in by the session cookie must repeat the ${CSRF_COOKIE} cookie's value in it (or send Authorization: Bearer <token> instead)`;
}
