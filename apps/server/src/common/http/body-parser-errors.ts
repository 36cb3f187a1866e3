// body-parser rejects a body before any controller runs. Its errors carry a `type` and an
// exposable 4xx `status`; these become HttpExceptions with a message a person can act on.
import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';

const MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'request body is not valid JSON',
  'entity.too.large': 'request body is too large',
  'encoding.unsupported': 'request body has an unsupported content encoding',
  'charset.unsupported': 'request body has an unsupported character set; send UTF-8',
  'request.aborted': 'request body was cut off',
  'request.size.invalid': 'request body is shorter or longer than its Content-Length',
};

export function bodyParserError(error: unknown): HttpException | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status, expose, message } = error as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number' || status < 400 || status >= 500 || expose !== true) return undefined;
  return new HttpException({ statusCode: status, error: STATUS_CODES[status], message: MESSAGES[type] ?? String(message) }, status, { cause: error });
}

/**
 * Express error middleware placed right after the JSON parser. Without it Nest turns a JSON
 * syntax error into a 400 carrying the parser's own text ("Unexpected token } in JSON at …").
 */
export function mapBodyParserErrors(error: unknown, _req: unknown, _res: unknown, next: (error: unknown) => void): void {
  next(bodyParserError(error) ?? error);
}
