import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

export const DASHBOARD_DIST = resolve(__dirname, '../../../dashboard/dist');

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
  app.useStaticAssets(dist, { index: false, maxAge: '1h', immutable: false });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path.startsWith('/api') || req.path.startsWith('/socket.io')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
