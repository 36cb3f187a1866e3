// Security headers on every HTTP answer (helmet), with a content-security policy the built
// dashboard runs under: only its own scripts, styles, images and connections (the API and
// Socket.IO, same origin), no plugins, no framing, no inline script.
// tests/browser/csp.test.ts loads every dashboard page in Chromium and fails on any violation.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

const directives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  // The dashboard needs no inline style, but the printable duty log is one page with a <style>
  // element (served by the API, and opened by the dashboard as a blob: tab, which inherits this
  // policy), and so is the OpenAPI page. Inline style cannot run code; inline script stays out.
  styleSrc: ["'self'", "'unsafe-inline'"],
  // The site plan and icons are files or data: URIs; a guard's photos are previewed as blob: URLs before upload.
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  // 'self' covers the same origin's ws:/wss: (CSP Level 3), which Socket.IO uses.
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  // A control room framed by another site could be click-jacked into acknowledging alerts.
  frameAncestors: ["'none'"],
};

/**
 * Over HTTPS: also HSTS and upgrade-insecure-requests. Over plain HTTP (the demo, a LAN
 * address) neither: upgrading the dashboard's own requests to an https:// that does not
 * exist would break it.
 */
export function securityHeaders(): RequestHandler {
  const plain = helmet({ contentSecurityPolicy: { useDefaults: false, directives }, strictTransportSecurity: false });
  const secure = helmet({ contentSecurityPolicy: { useDefaults: false, directives: { ...directives, upgradeInsecureRequests: [] } } });
  return (req: Request, res: Response, next: NextFunction) => (req.secure ? secure : plain)(req, res, next);
}
