import { SetMetadata } from '@nestjs/common';

export const INGEST_HANDLER = Symbol('INGEST_HANDLER');

/** Marks a provider as a MessageHandler of the message path (ingest/accepted-message.ts); HandlerRegistry registers it. */
export const IngestHandler = (): ClassDecorator => SetMetadata(INGEST_HANDLER, true);
