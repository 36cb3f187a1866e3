import { describe, expect, it } from 'vitest';
import type { RecordedMessage } from '@estate-watch/contracts';
import { Periodic } from '../common/periodic';
import type { IncomingMessage, IngestOutcome } from '../ingest/incoming-message';
import { replayItems, replayThroughIngest, type ReplayIngest } from './replay-ingest';
import { ReplayTime } from './replay-time';

const T0 = Date.parse('2026-12-01T00:00:00+08:00');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const tap = (s: number, id: string): RecordedMessage => ({ t: at(s), topic: 'estate/v1/lakeside/checkpoint/cp-1/event', payload: { id, ts: at(s), type: 'tap', card: '0DBA449373C7E3' } });

/**
 * An ingest that commits on a later turn of the event loop, like the grouped commit, and records
 * what it was given, with the replay's time at submit (the receive time ingest reads off the clock).
 */
function fakeIngest(time: ReplayTime, outcome: (m: IncomingMessage) => IngestOutcome = () => ({ status: 'accepted', seq: 1 })) {
  const submitted: { id: string; second: number }[] = [];
  let committed = 0;
  let pending = 0;
  const ingest: ReplayIngest = {
    appliedSeq: () => committed,
    submit(m) {
      submitted.push({ id: (JSON.parse(Buffer.from(m.payload).toString()) as { id: string }).id, second: (time.now() - T0) / 1000 });
      pending++;
      return new Promise((resolve) =>
        setImmediate(() => {
          pending--;
          committed++;
          const o = outcome(m);
          resolve(o.status === 'accepted' ? { status: 'accepted', seq: committed } : o);
        }),
      );
    },
    async settled() {
      while (pending > 0) await new Promise((r) => setImmediate(r));
    },
  };
  return { ingest, submitted, committed: () => committed };
}

describe(replayItems.name, () => {
  it('sends each line from the device its topic names, leaves out retained deliveries, and never goes back in time', () => {
    const { items, skipped } = replayItems([
      tap(0, 'a'),
      { ...tap(0, 'a'), retained: true },
      tap(10, 'b'),
      tap(5, 'c'), // merged files: out of order lines keep file order, at the previous time
      { t: at(12), topic: 'estate/v1/lakeside/gate/g-1/event', raw: '3q2+7w==' },
    ]);
    expect(skipped).toBe(1);
    expect(items.map((i) => (i.at - T0) / 1000)).toEqual([0, 10, 10, 12]);
    expect(items[0]!.incoming.publisher).toEqual({ site: 'lakeside', device: 'cp-1' });
    expect(items[3]!.incoming.publisher).toEqual({ site: 'lakeside', device: 'g-1' });
    expect(Buffer.from(items[3]!.incoming.payload).toString('base64')).toBe('3q2+7w==');
    expect(JSON.parse(Buffer.from(items[0]!.incoming.payload).toString())).toEqual(tap(0, 'a').payload);
  });
});

describe(replayThroughIngest.name, () => {
  it('submits each message at its recorded time, and a sweep sees everything received before it committed', async () => {
    const time = new ReplayTime(T0, 10_000);
    const { ingest, submitted, committed } = fakeIngest(time);
    const periodic = new Periodic(time.schedule);
    const sweeps: { second: number; committed: number }[] = [];
    periodic.every('sweep', 5_000, async () => void sweeps.push({ second: (time.now() - T0) / 1000, committed: committed() }));
    const recording = [0, 1, 4, 9, 11, 19, 30].map((s, i) => tap(s, `m${i}`));
    const { items } = replayItems(recording);
    const report = await replayThroughIngest(items, ingest, time, { window: 4 });
    periodic.stop();
    expect(submitted).toEqual(recording.map((r) => ({ id: (r.payload as { id: string }).id, second: (Date.parse(r.t) - T0) / 1000 })));
    // Barriers at 10 s (messages at 0–9 s), 20 s (… 19 s), 30 s (… 19 s, before the one at 30 s), and the flush at 30 s.
    expect(sweeps).toEqual([
      { second: 10, committed: 4 },
      { second: 20, committed: 6 },
      { second: 30, committed: 6 },
      { second: 30, committed: 7 },
    ]);
    expect(report).toMatchObject({ messages: 7, virtualMs: 30_000, barriers: 4, sweeps: 4, outcomes: { accepted: 7, duplicate: 0, rejected: 0, ignored: 0 } });
    expect(report.wallMs).toBeGreaterThan(0);
  });

  it('counts every outcome, whatever the window', async () => {
    for (const window of [1, 2, 3, 100]) {
      const time = new ReplayTime(T0, 60_000);
      const outcomes: IngestOutcome[] = [{ status: 'accepted', seq: 1 }, { status: 'duplicate' }, { status: 'rejected', reason: 'ts out of window' }];
      let n = 0;
      const { ingest } = fakeIngest(time, () => outcomes[n++ % 3]!);
      const { items } = replayItems([0, 1, 2, 3, 4, 5, 6].map((s) => tap(s, `m${s}`)));
      const report = await replayThroughIngest(items, ingest, time, { window });
      expect(report.outcomes).toEqual({ accepted: 3, duplicate: 2, rejected: 2, ignored: 0 });
    }
  });

  it('overlapped: the replay goes on submitting while a tick waits; each sweep reads its tick’s time and sees what came before it applied', async () => {
    const time = new ReplayTime(T0, 10_000, { overlap: true });
    const { ingest, submitted, committed } = fakeIngest(time);
    const periodic = new Periodic(time.schedule);
    const sweeps: { second: number; applied: number }[] = [];
    periodic.every('sweep', 5_000, async () => void sweeps.push({ second: (time.now() - T0) / 1000, applied: committed() }));
    const recording = [0, 1, 4, 9, 11, 19, 30].map((s, i) => tap(s, `m${i}`));
    const { items } = replayItems(recording);
    const report = await replayThroughIngest(items, ingest, time, { window: 4 });
    periodic.stop();
    // Each message went in at its own time, though sweeps were held at earlier ticks meanwhile.
    expect(submitted.map((m) => m.second)).toEqual([0, 1, 4, 9, 11, 19, 30]);
    expect(sweeps.map((s) => s.second)).toEqual([10, 20, 30, 30]);
    const before = (second: number) => recording.filter((r) => (Date.parse(r.t) - T0) / 1000 < second).length;
    for (const s of sweeps.slice(0, 3)) expect(s.applied).toBeGreaterThanOrEqual(before(s.second));
    expect(sweeps[3]!.applied).toBe(7);
    expect(report.outcomes.accepted).toBe(7);
  });
  it('overlapped: what an exact sweep judges is held from its instant until it ran, and goes in dated as received; the rest goes on', async () => {
    const time = new ReplayTime(T0, 0, { overlap: true, useDue: true });
    const { ingest, submitted } = fakeIngest(time);
    const periodic = new Periodic(time.schedule);
    const taps = () => submitted.map((m) => m.id).filter((id) => id.startsWith('t'));
    const sweeps: { second: number; taps: string[] }[] = [];
    periodic.every('patrol', 10_000, async () => void sweeps.push({ second: (time.now() - T0) / 1000, taps: taps() }), {
      after: async (now) => new Date(now.getTime() + 10_000),
      leadMs: Infinity,
      exact: true,
    });
    const pass = (s: number, id: string): RecordedMessage => ({ t: at(s), topic: 'estate/v1/lakeside/gate/g-1/event', payload: { id, ts: at(s), type: 'pass', direction: 'in' } });
    const status = (s: number, id: string, device: string): RecordedMessage => ({ t: at(s), topic: `estate/v1/lakeside/checkpoint/${device}/status`, payload: { id, ts: at(s), online: true } });
    // cp-1's status after its held tap waits behind it; cp-2's, with nothing held, does not.
    const { items } = replayItems([tap(5, 't5'), tap(10, 't10'), pass(11, 'g11'), status(11, 's11', 'cp-1'), status(11, 'x11', 'cp-2'), tap(12, 't12'), pass(13, 'g13'), tap(25, 't25')]);
    const report = await replayThroughIngest(items, ingest, time, { window: 100, exact: { handler: 'patrol', selects: { kinds: ['checkpoint'], streams: ['event'] } } });
    periodic.stop();
    // Each sweep saw every tap before its instant and none from it on; the passes did not wait.
    expect(sweeps).toEqual([
      { second: 10, taps: ['t5'] },
      { second: 20, taps: ['t5', 't10', 't12'] },
      { second: 25, taps: ['t5', 't10', 't12', 't25'] },
    ]);
    expect(submitted).toEqual([
      { id: 't5', second: 5 },
      { id: 'g11', second: 11 },
      { id: 'x11', second: 11 },
      { id: 'g13', second: 13 },
      { id: 't10', second: 10 },
      { id: 's11', second: 11 },
      { id: 't12', second: 12 },
      { id: 't25', second: 25 },
    ]);
    expect(report).toMatchObject({ held: 4, outcomes: { accepted: 8 } });
  });
});
