// CONTRACT §6: the OpenAPI document at /api/docs (Swagger UI) and /api/docs-json (the JSON).
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BEARER_AUTH } from './bearer';

export const DOCS_PATH = 'api/docs';
export const DOCS_JSON_PATH = 'api/docs-json';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Estate Watch API')
    .setDescription(
      'Control room for property management: alerts, work orders, patrol, parking and devices. ' +
        'Sign in with POST /api/auth/login and send the token as `Authorization: Bearer <token>`. ' +
        'Roles rise operator < supervisor < admin; an endpoint for a role admits the roles above it.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_AUTH)
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Call in bootstrap before `app.listen()`. Controllers carry the full `api/...` path, so no global prefix is applied here. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: DOCS_JSON_PATH,
    customSiteTitle: 'Estate Watch API',
    swaggerOptions: { persistAuthorization: true },
  });
  return document;
}
