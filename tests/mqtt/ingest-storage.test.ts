import { describe } from 'vitest';
import { openPglite } from '../support/mqtt-ingest';
import { ingestStorageSuite } from './ingest-storage.suite';

describe('ingest storage on PGlite', () => {
  ingestStorageSuite(async () => {
    const db = await openPglite();
    return { db, close: () => db.close() };
  });
});
