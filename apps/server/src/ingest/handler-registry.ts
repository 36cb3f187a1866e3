// How handlers reach the message path: a class marked @IngestHandler() anywhere in the app is
// found here and registered with ingest, in the one order declared below. No list elsewhere.
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { MessageHandler } from './accepted-message';
import { INGEST_HANDLER } from './ingest-handler';
import { IngestService } from './ingest.service';


/**
 * The order pipelines start in and are listed on /api/health. Pipelines run side by side, so it
 * orders nothing at run time; a handler missing from it starts last.
 */
export const HANDLER_ORDER = ['devices', 'parking', 'gate-commands', 'consumables', 'equipment', 'patrol', 'influx'] as const;

@Injectable()
export class HandlerRegistry implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly ingest: IngestService,
  ) {}

  /** Before IngestService.onApplicationBootstrap, which replays stored messages to them. */
  onModuleInit(): void {
    const handlers = this.discovery
      .getProviders()
      .filter((w) => w.metatype && w.instance && this.reflector.get(INGEST_HANDLER, w.metatype))
      .map((w) => w.instance as MessageHandler);
    const rank = (h: MessageHandler) => {
      const i = (HANDLER_ORDER as readonly string[]).indexOf(h.name);
      return i < 0 ? HANDLER_ORDER.length : i;
    };
    for (const handler of handlers.sort((a, b) => rank(a) - rank(b))) this.ingest.register(handler);
  }
}
