// The global exception filter, body-parser errors and zod input validation, over real HTTP.
import { Controller, Get, Logger, NotFoundException, Post } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Public, Roles } from '../../auth/auth.decorators';
import { createTestApp, type TestApp } from './http.testing';
import { ZodBody, ZodParam, ZodQuery } from './zod-validation';

const NoteSchema = z.object({ note: z.string().max(10_000_000), tags: z.array(z.string().max(5)).optional() });
const PageSchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), status: z.enum(['open', 'closed']).optional() });

@Controller('api/plumbing')
class PlumbingController {
  @Post('echo') @Public() echo(@ZodBody(NoteSchema) body: unknown) {
    return body;
  }
  @Get('page') @Public() page(@ZodQuery(PageSchema) query: unknown) {
    return query;
  }
  @Get('items/:id') @Public() item(@ZodParam('id', z.uuid()) id: string) {
    return { id };
  }
  @Get('missing') @Public() missing() {
    throw new NotFoundException('alert 42 does not exist');
  }
  @Get('boom') @Roles('operator') boom() {
    throw new Error('relation "secret_table" does not exist at /srv/app/db.ts:12');
  }
}

describe('HTTP plumbing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ controllers: [PlumbingController], seed: true });
  });
  afterAll(() => t.close());

  it('answers 400 "request body is not valid JSON" for malformed JSON', async () => {
    const res = await t.request('POST', '/api/plumbing/echo', { rawBody: '{"note": "hi",' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'request body is not valid JSON' });
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await t.request('POST', '/api/plumbing/echo', { body: { note: 'x'.repeat(200_000) } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, message: 'request body is too large' });
  });

  it('strips unknown fields from a valid body', async () => {
    const res = await t.request('POST', '/api/plumbing/echo', { body: { note: 'hi', admin: true } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ note: 'hi' });
  });

  it('names the path of a nested problem', async () => {
    const res = await t.request('POST', '/api/plumbing/echo', { body: { note: 'hi', tags: ['ok', 'too-long'] } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('tags[1]: Too big: expected string to have <=5 characters');
    expect(res.body.issues).toEqual([{ path: 'tags[1]', message: 'Too big: expected string to have <=5 characters' }]);
  });

  it.each([
    { query: '', status: 200, body: { limit: 20 } },
    { query: '?limit=5&status=open&evil=1', status: 200, body: { limit: 5, status: 'open' } },
    { query: '?limit=0', status: 400, body: { message: 'limit: Too small: expected number to be >=1' } },
    { query: '?status=lost', status: 400, body: { message: 'status: Invalid option: expected one of "open"|"closed"' } },
    // PostgreSQL text cannot hold U+0000: a 400 here, not a 500 from SQL (tests/fuzz found it).
    { query: '?status=open%00', status: 400, body: { message: 'status: contains a NUL character (U+0000), which is not allowed' } },
    { query: '?evil=%00', status: 400, body: { message: 'evil: contains a NUL character (U+0000), which is not allowed' } },
  ])('query $query → $status', async ({ query, status, body }) => {
    const res = await t.request('GET', `/api/plumbing/page${query}`);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject(body);
  });

  it('refuses U+0000 anywhere in a body, naming where', async () => {
    const res = await t.request('POST', '/api/plumbing/echo', { body: { note: 'hi', tags: ['ok', 'a\u0000b'] } });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ path: 'tags[1]', message: 'contains a NUL character (U+0000), which is not allowed' }]);
  });

  it('validates a path parameter', async () => {
    const res = await t.request('GET', '/api/plumbing/items/not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('id: Invalid UUID');
  });

  it('keeps the shape of Nest HttpExceptions', async () => {
    const res = await t.request('GET', '/api/plumbing/missing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'alert 42 does not exist' });
  });

  it('answers an unknown route with 404', async () => {
    const res = await t.request('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.statusCode).toBe(404);
  });

  it('answers an unexpected error with a bare 500 and logs it with its stack', async () => {
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const token = await t.login('operator');
    const res = await t.request('GET', '/api/plumbing/boom', { token });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
    expect(JSON.stringify(res.body)).not.toContain('secret_table');
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('GET /api/plumbing/boom'), expect.stringContaining('secret_table'));
    logged.mockRestore();
  });

  it('checks the token before validating the body (no input oracle for strangers)', async () => {
    const res = await t.request('POST', '/api/users', { body: { username: 'x' } });
    expect(res.status).toBe(401);
  });
});

describe('start-up check', () => {
  @Controller('api/careless')
  class CarelessController {
    @Get() forgot() {
      return 'open to all?';
    }
  }

  it('refuses to start when a route declares neither @Public nor @Roles, naming it', async () => {
    await expect(createTestApp({ controllers: [CarelessController], seed: false, logger: false })).rejects.toThrow(
      /CarelessController\.forgot \(GET \/api\/careless\)/,
    );
  });
});
