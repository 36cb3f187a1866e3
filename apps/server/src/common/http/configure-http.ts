import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mapBodyParserErrors } from './body-parser-errors';
import { HttpErrorFilter } from './http-error.filter';
import { securityHeaders } from './security-headers';

/** Largest JSON body the API accepts; work orders and user records are far smaller. */
export const JSON_BODY_LIMIT = '100kb';

/**
 * HTTP plumbing every module relies on. Call once in bootstrap, before `app.listen()` / `app.init()`:
 * the JSON body parser with a size limit and readable errors, and the one global exception filter.
 */
export function configureHttp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  // First, so every answer has them, body-parser errors included.
  express.use(securityHeaders());
  // Registered before init, so Nest does not add its own JSON parser (it skips one already present).
  express.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  express.use(mapBodyParserErrors);
  express.disable('x-powered-by');
  app.useGlobalFilters(new HttpErrorFilter());
}
