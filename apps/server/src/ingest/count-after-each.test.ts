// The health endpoint's one-statement count of what each handler still has after its cursor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceKind, UpstreamStream } from '@estate-watch/contracts';
import type { Database } from '../db/database';
import { openDatabase } from '../db/open-database';
import type { MessageSelector } from './accepted-message';
import type { ValidMessage } from './incoming-message';
import { IngestRepository } from './ingest.repository';

const DEVICES: { id: string; kind: DeviceKind; stream: UpstreamStream; payload: Record<string, unknown> }[] = [
  { id: 'g-1', kind: 'gate', stream: 'event', payload: { type: 'pass', direction: 'in', credential: 'card' } },
  { id: 'd-1', kind: 'dispenser', stream: 'telemetry', payload: { level: 40 } },
  { id: 's-1', kind: 'sensor', stream: 'status', payload: { online: true } },
];

describe('IngestRepository.countAfterEach', () => {
  let db: Database;
  let repo: IngestRepository;
  beforeAll(async () => {
    db = await openDatabase({});
    await db.query(`INSERT INTO sites (id, name, timezone, heartbeat_sec, config, updated_at) VALUES ('x', 'X', 'UTC', 60, '{}', now())`);
    for (const d of DEVICES) await db.query('INSERT INTO devices (site_id, id, kind, name) VALUES ($1, $2, $3, $2)', ['x', d.id, d.kind]);
    repo = new IngestRepository(db);
    const at = new Date();
    const messages: ValidMessage[] = Array.from({ length: 30 }, (_, i) => {
      const d = DEVICES[i % DEVICES.length]!;
      return { siteId: 'x', deviceId: d.id, kind: d.kind, stream: d.stream, msgId: `m${i}`, payload: { id: `m${i}`, ts: at.toISOString(), ...d.payload }, observedAt: at, receivedAt: at, lastWill: false };
    });
    await repo.commitBatch(messages, []);
  });
  afterAll(() => db.close());

  it('answers for each handler what countBetween answers for it alone, in the order asked', async () => {
    const selectors: MessageSelector[] = [{}, { kinds: ['gate'] }, { kinds: ['sensor'], streams: ['status'] }, { streams: ['telemetry'] }, { kinds: ['checkpoint'] }];
    const afters = [0, 7, 12, 20, 29, 30];
    const queries = afters.flatMap((after) => selectors.map((selector) => ({ after, selector })));
    const one = await repo.countAfterEach(queries);
    const each = await Promise.all(queries.map((q) => repo.countBetween(q.after, null, q.selector)));
    expect(one).toEqual(each);
    expect(one.slice(0, 5)).toEqual([30, 10, 10, 10, 0]);
    expect(await repo.countAfterEach([])).toEqual([]);
  });
});
