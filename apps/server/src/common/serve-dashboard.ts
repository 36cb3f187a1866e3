import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';

export const DASHBOARD_DIST = resolve(__dirname, '../../../dashboard/dist');

const isServerPath = (path: string) => path.startsWith('/api') || path.startsWith('/socket.io');

/**
 * Serves the built Vue dashboard at `/`; any other GET outside /api and /socket.io gets
 * index.html so client-side routes survive a reload.
 */
export function serveDashboard(app: NestExpressApplication, dist = DASHBOARD_DIST): void {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) {
    new Logger('Dashboard').warn(`no dashboard build at ${dist}: run "npm run build" (the API still works)`);
    return;
  }
  // Not asked for /api and /socket.io: the static handler stats the file system for every path it
  // sees, and API calls are most of the requests (a stat per GET showed in the server's profile).
  const assets = express.static(dist, { index: false, maxAge: '1h', immutable: false });
  app.use((req: Request, res: Response, next: NextFunction) => (isServerPath(req.path) ? next() : assets(req, res, next)));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || isServerPath(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
