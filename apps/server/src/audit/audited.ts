// Controllers declare what is audited, as they declare who may call (STYLE: declared, not coded
// in bodies): `@Audited('alert.acknowledged')`. The AuditInterceptor it puts on that route writes
// the entry after the handler succeeded (and, for specs with `failures`, after it failed) and
// before the answer. Per route, not global: a global interceptor wraps every request, the
// polled GETs too, in an rxjs chain and an AsyncResource (bench/get-bench.ts: `/api/health` 1,200 → 700–750 µs of server CPU per GET).
import { applyDecorators, HttpException, Injectable, SetMetadata, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, mergeMap, catchError, throwError, type Observable } from 'rxjs';
import { AUDIT_SPECS, type AuditedRequest, type AuditSpecName } from './audited-actions';
import { AuditService } from './audit.service';

const AUDIT_KEY = 'estate-watch:audit';

export const Audited = (name: AuditSpecName) => applyDecorators(SetMetadata(AUDIT_KEY, name), UseInterceptors(AuditInterceptor));

@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const name = this.reflector.get<AuditSpecName | undefined>(AUDIT_KEY, context.getHandler());
    if (!name || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    return next.handle().pipe(
      mergeMap((result) => from(this.write(name, request, { result }).then(() => result))),
      catchError((error: unknown) => {
        if (!AUDIT_SPECS[name].failures) return throwError(() => error);
        return from(this.write(name, request, { error })).pipe(mergeMap(() => throwError(() => error)));
      }),
    );
  }

  private async write(name: AuditSpecName, request: AuditedRequest, outcome: { result?: unknown; error?: unknown }): Promise<void> {
    const spec = AUDIT_SPECS[name];
    const action = typeof spec.action === 'function' ? spec.action(request) : spec.action;
    if (!action) return;
    const failure = outcome.error === undefined ? undefined : describeFailure(outcome.error);
    await this.audit.record({
      actor: request.user?.username,
      action,
      target: spec.target?.(request, outcome.result) ?? request.params?.id,
      address: request.ip,
      outcome: failure?.outcome ?? spec.outcome?.(outcome.result) ?? 'ok',
      details: { ...spec.details?.(request, outcome.result), ...(failure && { error: failure.message }) },
    });
  }
}

function describeFailure(error: unknown): { outcome: string; message: string } {
  const status = error instanceof HttpException ? error.getStatus() : 500;
  return { outcome: status === 504 ? 'timeout' : 'failed', message: `${status}: ${error instanceof Error ? error.message : String(error)}` };
}
