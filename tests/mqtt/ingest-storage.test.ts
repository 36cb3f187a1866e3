import { describe } from 'vitest';
import { openPglite } from './fixtures';
import { ingestStorageSuite } from './ingest-storage.suite';

describe('ingest storage on PGlite', () => {
  ingestStorageSuite(async () => {
    const db = await openPglite();
    return { db, close: () => db.close() };
  });
});
