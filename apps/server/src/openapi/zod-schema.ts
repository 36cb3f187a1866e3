// One source for validation and documentation: the zod schema a route validates with is the
// schema its OpenAPI entry shows.
import { z } from 'zod';

export type OpenApiSchema = Record<string, unknown>;

/** The request-side (input) shape as an OpenAPI 3.0 schema object. */
export function toOpenApiSchema(schema: z.ZodType): OpenApiSchema {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as OpenApiSchema;
  delete json.$schema;
  return json;
}
