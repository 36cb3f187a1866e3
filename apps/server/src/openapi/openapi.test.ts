// CONTRACT §6: the OpenAPI document at /api/docs, JSON at /api/docs-json.
import { Controller, Get, Post } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Roles } from '../auth/auth.decorators';
import { createTestApp, type TestApp } from '../common/http/http.testing';
import { ZodBody, ZodParam, ZodQuery } from '../common/http/zod-validation';

@Controller('api/things')
class ThingsController {
  @Get() @Roles('operator') list(@ZodQuery(z.object({ status: z.enum(['a', 'b']).optional(), limit: z.coerce.number().default(20) })) _q: unknown) {}
  @Post(':id/notes') @Roles('supervisor') note(@ZodParam('id', z.uuid()) _id: string, @ZodBody(z.object({ note: z.string() })) _b: unknown) {}
}

describe('OpenAPI', () => {
  let t: TestApp;
  let doc: any;
  beforeAll(async () => {
    t = await createTestApp({ seed: false, controllers: [ThingsController] });
    doc = (await t.request('GET', '/api/docs-json')).body;
  });
  afterAll(() => t.close());

  it('declares the bearer scheme', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it('documents login as public, with its body schema', () => {
    const login = doc.paths['/api/auth/login'].post;
    expect(login.security ?? []).toEqual([]);
    const schema = login.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['username', 'password']);
    expect(login.responses['200']).toBeDefined();
  });

  it.each([
    { path: '/api/users', method: 'post' },
    { path: '/api/users', method: 'get' },
    { path: '/api/auth/me', method: 'get' },
  ])('documents $method $path with bearer security', ({ path, method }) => {
    const operation = doc.paths[path][method];
    expect(operation.security).toEqual([{ bearer: [] }]);
    expect(operation.responses['403']).toBeDefined();
  });

  it('documents the create-user body from its zod schema', () => {
    const schema = doc.paths['/api/users'].post.requestBody.content['application/json'].schema;
    expect(schema.properties.role.enum).toEqual(['operator', 'supervisor', 'admin', 'guard']);
    expect(schema.properties.guardId.type).toBe('string');
    expect(schema.properties.password.minLength).toBe(8);
    expect(doc.paths['/api/users'].post.parameters ?? []).toEqual([]);
  });

  it('documents ZodQuery fields and ZodParam parameters from their schemas', () => {
    const list = doc.paths['/api/things'].get.parameters;
    expect(list).toContainEqual(expect.objectContaining({ name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['a', 'b'] } }));
    expect(list).toContainEqual(expect.objectContaining({ name: 'limit', in: 'query', required: false }));
    const note = doc.paths['/api/things/{id}/notes'].post;
    expect(note.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }));
    expect(note.requestBody.content['application/json'].schema.required).toEqual(['note']);
  });

  it('serves Swagger UI at /api/docs', async () => {
    const res = await fetch(`${t.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui');
  });
});
