import { afterAll, beforeAll, describe } from 'vitest';
import { openFreshPostgres } from '../support/mqtt-ingest';
import { ingestStorageSuite } from './ingest-storage.suite';
import { PostgresDatabase } from '../../apps/server/src/db/postgres-database';

// One fresh database (estate_test_<random>) for the run, dropped after; each test truncates.
describe('ingest storage on PostgreSQL', () => {
  let fresh: Awaited<ReturnType<typeof openFreshPostgres>>;
  let url: string;
  beforeAll(async () => {
    fresh = await openFreshPostgres();
    url = fresh.url;
  });
  afterAll(() => fresh.drop());

  ingestStorageSuite(async () => {
    const db = await PostgresDatabase.open(url);
    await db.exec('TRUNCATE device_messages, message_ids, ingest_cursor, device_rejections, devices, sites');
    return { db, close: () => db.close() };
  });
});
