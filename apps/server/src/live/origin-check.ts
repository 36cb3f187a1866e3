// Issue 8 point 6: which web pages may open the live socket. A browser always sends Origin when
// it opens a WebSocket or makes a cross-origin request, and the session cookie would ride along:
// without this check any site an operator visits could read the control room's live feed
// (cross-site WebSocket hijacking). A client without Origin is not a browser page (API clients,
// device tools, tests): it must still present a token, and could write any Origin it liked.

/** The dashboard's own origin (same host and port as the request) or one listed in ALLOWED_ORIGINS. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && parsed.host === host.toLowerCase()) return true;
  return allowed.includes(parsed.origin);
}
