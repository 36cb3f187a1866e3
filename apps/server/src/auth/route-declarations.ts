// Start-up check: every HTTP route must declare @Public() or @Roles(). The guard already refuses
// undeclared routes at request time; this makes the mistake stop start-up instead (STYLE: fail
// loudly at start-up, never silently at 3 a.m.).
import { Injectable, RequestMethod, type OnApplicationBootstrap } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { readAccessRule } from './access-rule';

/** "AlertsController.list (GET /api/alerts)" for each route without a declaration. */
export function findUndeclaredRoutes(controllers: readonly (abstract new (...args: never[]) => unknown)[]): string[] {
  const scanner = new MetadataScanner();
  const found: string[] = [];
  for (const controller of controllers) {
    const prototype = controller.prototype as Record<string, unknown>;
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (path === undefined) continue;
      if (readAccessRule(handler, controller).kind !== 'undeclared') continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number] ?? 'GET';
      found.push(`${controller.name}.${name} (${method} /${[base, String(path)].filter((p) => p && p !== '/').join('/')})`);
    }
  }
  return found;
}

@Injectable()
export class RouteDeclarationCheck implements OnApplicationBootstrap {
  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    const controllers = this.discovery
      .getControllers()
      .map((wrapper) => wrapper.metatype)
      .filter((m): m is NonNullable<typeof m> => typeof m === 'function') as (abstract new (...args: never[]) => unknown)[];
    const undeclared = findUndeclaredRoutes(controllers);
    if (undeclared.length > 0) {
      throw new Error(`Routes without @Public() or @Roles() (add one to each):\n  ${undeclared.join('\n  ')}`);
    }
  }
}
