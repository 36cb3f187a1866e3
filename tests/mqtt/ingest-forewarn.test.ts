// Issue 9.4: an urgent message's alarm is told to the screens before its commit (the handler's
// forewarn), and withdrawn when the message turns out not to be stored; never in a cluster.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../apps/server/src/db/database';
import type { AcceptedMessage, MessageHandler } from '../../apps/server/src/ingest/accepted-message';
import { IngestRepository } from '../../apps/server/src/ingest/ingest.repository';
import { IngestService } from '../../apps/server/src/ingest/ingest.service';
import { SitesService } from '../../apps/server/src/sites/sites.service';
import { envelope, json, openPglite, SITE, testClock } from '../support/mqtt-ingest';

const boiler = { site: 'lakeside', device: 'boiler-1' };
const FAULTS = 'estate/v1/lakeside/sensor/boiler-1/event';

/** Calls every fault urgent and records what it was asked to tell ahead, and what it withdrew. */
class Forewarning implements MessageHandler {
  readonly name = 'forewarning';
  readonly selects = { kinds: ['sensor' as const] };
  readonly told: string[] = [];
  readonly withdrawn: string[] = [];
  async applyBatch(_: readonly AcceptedMessage[]): Promise<void> {}
  urgent(m: Omit<AcceptedMessage, 'seq'>): boolean {
    return (m.payload as { type?: string }).type === 'fault';
  }
  forewarn(m: Omit<AcceptedMessage, 'seq'>): () => void {
    this.told.push(m.msgId!);
    return () => this.withdrawn.push(m.msgId!);
  }
}

describe('forewarning an alarm ahead of its commit (issue 9.4)', () => {
  let db: Database;
  let ingest: IngestService;
  let handler: Forewarning;

  beforeEach(async () => {
    db = await openPglite();
    const sites = new SitesService([SITE], db);
    await sites.syncToDatabase();
    ingest = new IngestService(new IngestRepository(db), sites, testClock());
    handler = new Forewarning();
    ingest.register(handler);
  });
  afterEach(async () => {
    await ingest.stop();
    await db.close();
  });

  const fault = (id: string) => ({ topic: FAULTS, payload: json(envelope({ type: 'fault', code: 'E1' }, id)), publisher: boiler });

  it('tells it before the commit has even started, and keeps it once the message is stored', async () => {
    await ingest.start();
    const stored = ingest.submit(fault('f-1'));
    expect(handler.told).toEqual(['f-1']); // submit has not yielded yet: nothing is committed
    expect(await stored).toMatchObject({ status: 'accepted' });
    expect(handler.withdrawn).toEqual([]);
  });

  it('withdraws it when the message is a repeat of a stored one; an ordinary message is never told ahead', async () => {
    await ingest.start();
    await ingest.submit(fault('f-1'));
    expect(await ingest.submit(fault('f-1'))).toEqual({ status: 'duplicate' });
    await ingest.submit({ topic: FAULTS, payload: json(envelope({ type: 'fault_cleared', code: 'E1' }, 'c-1')), publisher: boiler });
    expect(handler.told).toEqual(['f-1', 'f-1']);
    expect(handler.withdrawn).toEqual(['f-1']);
  });

  it('withdraws it when the commit fails (the device keeps the message and sends it again)', async () => {
    await ingest.start();
    await db.close();
    await expect(ingest.submit(fault('f-2'))).rejects.toThrow();
    expect(handler.withdrawn).toEqual(['f-2']);
    db = await openPglite(); // for afterEach
  });

  it('never in a cluster: another server may write the same alerts', async () => {
    ingest.joinCluster(() => {});
    await ingest.start();
    await ingest.submit(fault('f-3'));
    expect(handler.told).toEqual([]);
  });
});
