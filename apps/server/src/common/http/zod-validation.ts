// HTTP input is hostile until validated (STYLE). Bodies, queries and params go through a zod
// schema; unknown fields are stripped (zod objects strip by default), so they never reach SQL.
// A failure is a 400 naming each field and what is wrong with it.
import { BadRequestException, Body, Param, Query, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery } from '@nestjs/swagger';
import type { z } from 'zod';
import { toOpenApiSchema, type OpenApiSchema } from '../../openapi/zod-schema';

export interface ValidationIssue {
  path: string;
  message: string;
}

export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  /** `source` names the whole input when an issue has no path ("body: …"). */
  constructor(
    private readonly schema: S,
    private readonly source = 'body',
  ) {}

  transform(value: unknown): z.output<S> {
    // PostgreSQL text cannot hold U+0000: such a value would fail in SQL as a 500, so it is a 400 here.
    const nul = findNul(value, '');
    if (nul !== undefined) {
      const issues = [{ path: nul || this.source, message: 'contains a NUL character (U+0000), which is not allowed' }];
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: issues.map(describe).join('; '), issues });
    }
    const result = this.schema.safeParse(value, {
      // A missing field reads better as "is required" than zod's "expected string, received undefined".
      error: (issue) => (issue.input === undefined ? 'is required' : undefined),
    });
    if (result.success) return result.data;
    const issues = result.error.issues.map((i) => toIssue(i, this.source));
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: issues.map(describe).join('; '),
      issues,
    });
  }
}

/** Path of the first string (or key) holding U+0000, '' for the value itself; undefined if none. */
function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null || depth > 32) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return at;
    const found = findNul(item, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function toIssue(issue: z.core.$ZodIssue, source: string): ValidationIssue {
  const path = issue.path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
    '',
  );
  return { path: path || source, message: issue.message };
}

/** "path: problem", without repeating a path the schema's own message already starts with. */
function describe(issue: ValidationIssue): string {
  return issue.message.startsWith(`${issue.path}:`) ? issue.message : `${issue.path}: ${issue.message}`;
}

/** `@ZodBody(Schema) body: T` — validates the JSON body and documents it in OpenAPI. */
export function ZodBody(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodPipe(schema, 'body'))(target, key, index);
    documentMethod(target, key, ApiBody({ schema: toOpenApiSchema(schema) }));
  };
}

/** `@ZodQuery(Schema) query: T` — validates the query string (use z.coerce for numbers) and documents each field. */
export function ZodQuery(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    Query(new ZodPipe(schema, 'query'))(target, key, index);
    const json = toOpenApiSchema(schema);
    const properties = (json.properties ?? {}) as Record<string, OpenApiSchema>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      documentMethod(target, key, ApiQuery({ name, required: required.has(name), schema: property }));
    }
  };
}

/** `@ZodParam('id', Schema) id: T` — validates one path parameter. */
export function ZodParam(name: string, schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    Param(name, new ZodPipe(schema, name))(target, key, index);
    documentMethod(target, key, ApiParam({ name, schema: toOpenApiSchema(schema) }));
  };
}

/** Applies a method decorator from inside a parameter decorator, so one decorator both validates and documents. */
function documentMethod(target: object, key: string | symbol | undefined, decorator: MethodDecorator): void {
  if (key === undefined) return;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor) decorator(target, key, descriptor);
}
