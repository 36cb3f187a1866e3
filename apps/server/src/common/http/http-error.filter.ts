// The one global exception filter (STYLE). Nest's HttpException shape is kept
// ({statusCode, message, error?}); anything unexpected is logged with its stack and answered
// with a bare 500, so internals (SQL, file paths) never reach the client.
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { bodyParserError } from './body-parser-errors';

interface HttpResponse {
  headersSent: boolean;
  status(code: number): HttpResponse;
  json(body: unknown): void;
}

interface HttpRequest {
  method: string;
  originalUrl: string;
}

export interface ErrorBody {
  statusCode: number;
  message: string | string[];
  error?: string;
  [more: string]: unknown;
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    const body = toErrorBody(error);
    if (!(error instanceof HttpException) && body.statusCode >= 500) {
      this.logger.error(`${request.method} ${request.originalUrl}: ${String(error)}`, error instanceof Error ? error.stack : undefined);
    }
    if (response.headersSent) return;
    response.status(body.statusCode).json(body);
  }
}

export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    return typeof response === 'string' ? { statusCode: status, message: response } : { statusCode: status, ...(response as object) } as ErrorBody;
  }
  const clientError = bodyParserError(error);
  if (clientError) return clientError.getResponse() as ErrorBody;
  return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' };
}
