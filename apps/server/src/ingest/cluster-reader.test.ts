// The cluster reader against an in-memory store shared by "this server" and "another server":
// every message reaches the pipelines once, in seq order, in segments without a gap; this
// server's own commits are never read back; the others' are read once, only the kinds taken.
import { describe, expect, it } from 'vitest';
import type { DeviceKind } from '@estate-watch/contracts';
import type { AcceptedMessage, MessageSelector } from './accepted-message';
import { ClusterReader, pairsOf, type Segment } from './cluster-reader';

class SharedStore {
  readonly rows: AcceptedMessage[] = [];
  /** Rows each read returned, by seq: what this server parsed from the database. */
  readonly readSeqs: number[] = [];
  /** Reads held open until released (to commit meanwhile). */
  holdReads = false;
  private held: (() => void)[] = [];
  private seq = 0;

  /** One commit of n messages; a rolled-back commit leaves a gap of `skip` seqs before it. */
  commit(n: number, kind: DeviceKind = 'checkpoint', skip = 0): AcceptedMessage[] {
    this.seq += skip;
    const out = Array.from({ length: n }, (): AcceptedMessage => {
      const seq = ++this.seq;
      return { seq, siteId: 's', kind, deviceId: `d${seq % 3}`, stream: 'event', msgId: `m${seq}`, payload: {}, receivedAt: new Date(seq), lastWill: false };
    });
    this.rows.push(...out);
    return out;
  }

  release(): void {
    for (const r of this.held.splice(0)) r();
  }

  readonly repo = {
    headSeq: async () => this.rows.at(-1)?.seq ?? 0,
    pageAfterExcept: async (after: number, limit: number, pairs: readonly string[] | null, except: readonly (readonly [number, number])[]) => {
      // The snapshot is taken when the statement starts.
      const head = this.rows.at(-1)?.seq ?? 0;
      const messages = this.rows
        .filter((m) => m.seq > after && (pairs === null || pairs.includes(`${m.kind}/${m.stream}`)) && !except.some(([lo, hi]) => m.seq >= lo && m.seq <= hi))
        .slice(0, limit);
      if (this.holdReads) await new Promise<void>((r) => this.held.push(r));
      this.readSeqs.push(...messages.map((m) => m.seq));
      return { head, messages };
    },
  };
}

function setUp(selectors: MessageSelector[] = [{}], pageSize = 2_000) {
  const store = new SharedStore();
  const segments: Segment[] = [];
  const warnings: string[] = [];
  const reader = new ClusterReader(store.repo, () => selectors, (s) => segments.push(s), { warn: (line: string) => warnings.push(line) }, pageSize);
  /** Every seq handed over, and whether the segments follow each other without a gap. */
  const handed = () => segments.flatMap((s) => s.messages.map((m) => m.seq));
  const contiguous = () => segments.every((s, i) => i === 0 || s.from === (segments[i - 1] as Segment).upTo);
  return { store, reader, segments, handed, contiguous, warnings };
}

describe(ClusterReader.name, () => {
  it('hands over its own commits from memory, without a read, when nothing came between', async () => {
    const { store, reader, handed, contiguous } = setUp();
    reader.foreign(); // starts following at the head (0)
    await reader.idle();
    reader.committed(store.commit(3));
    reader.committed(store.commit(2));
    await reader.idle();
    expect(handed()).toEqual([1, 2, 3, 4, 5]);
    expect(store.readSeqs).toEqual([]);
    expect(contiguous()).toBe(true);
  });

  it("reads the others' commits once and never its own, in seq order", async () => {
    const { store, reader, handed, contiguous, segments } = setUp();
    reader.foreign();
    await reader.idle();
    store.commit(2); // another server
    reader.committed(store.commit(3)); // this one: a gap before it, so a read
    store.commit(1);
    reader.foreign();
    await reader.idle();
    expect(handed()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(store.readSeqs.sort((a, b) => a - b)).toEqual([1, 2, 6]);
    expect(contiguous()).toBe(true);
    expect(segments.at(-1)?.upTo).toBe(6);
  });

  it('a gap left by a rolled-back commit costs one read and hands over nothing twice', async () => {
    const { store, reader, handed, contiguous } = setUp();
    reader.foreign();
    await reader.idle();
    reader.committed(store.commit(2));
    reader.committed(store.commit(2, 'checkpoint', 5));
    await reader.idle();
    expect(handed()).toEqual([1, 2, 8, 9]);
    expect(store.readSeqs).toEqual([]);
    expect(contiguous()).toBe(true);
  });

  it('an own commit heard of during a read that already saw it is handed over once (from the read)', async () => {
    const { store, reader, handed, contiguous } = setUp();
    reader.foreign();
    await reader.idle();
    store.commit(2); // another server
    const own = store.commit(2); // committed before the read's snapshot, heard of after the read began
    store.holdReads = true;
    reader.foreign();
    reader.committed(own);
    store.release();
    store.holdReads = false;
    await reader.idle();
    expect(handed()).toEqual([1, 2, 3, 4]);
    expect(contiguous()).toBe(true);
  });

  it('an own commit after the read began follows the read from memory', async () => {
    const { store, reader, handed, contiguous } = setUp();
    reader.foreign();
    await reader.idle();
    store.commit(2); // another server
    store.holdReads = true;
    reader.foreign();
    reader.committed(store.commit(2));
    store.release();
    store.holdReads = false;
    await reader.idle();
    expect(handed()).toEqual([1, 2, 3, 4]);
    expect(store.readSeqs).toEqual([1, 2]);
    expect(contiguous()).toBe(true);
  });

  it('reads only the kinds its pipelines take, and still moves past the rest', async () => {
    const { store, reader, handed, segments } = setUp([{ kinds: ['gate'], streams: ['ack'] }, { kinds: ['sensor'] }]);
    reader.foreign();
    await reader.idle();
    store.commit(3, 'checkpoint');
    store.commit(1, 'sensor');
    reader.foreign();
    await reader.idle();
    expect(handed()).toEqual([4]);
    expect(store.readSeqs).toEqual([4]);
    expect(segments.at(-1)?.upTo).toBe(4);
  });

  it('reads a long backlog in pages that follow each other', async () => {
    const { store, reader, handed, contiguous, segments } = setUp([{}], 10);
    reader.foreign();
    await reader.idle();
    store.commit(25);
    reader.committed(store.commit(5));
    store.commit(7);
    reader.foreign();
    await reader.idle();
    expect(handed()).toEqual(Array.from({ length: 37 }, (_, i) => i + 1));
    expect(store.readSeqs).toHaveLength(32);
    expect(contiguous()).toBe(true);
    expect(segments.length).toBeGreaterThan(3);
  });

  it('holds nothing while no pipeline runs here, and starts again from the head', async () => {
    const store = new SharedStore();
    let selectors: MessageSelector[] = [];
    const segments: Segment[] = [];
    const reader = new ClusterReader(store.repo, () => selectors, (s) => segments.push(s), { warn: () => undefined });
    reader.committed(store.commit(3));
    reader.foreign();
    await reader.idle();
    expect(segments).toEqual([]);
    selectors = [{}];
    store.commit(2);
    reader.foreign();
    await reader.idle();
    reader.committed(store.commit(1));
    await reader.idle();
    expect(segments.map((s) => [s.from, s.upTo])).toEqual([[5, 6]]);
  });

  it('a failed read is tried again on the next notice, nothing lost', async () => {
    const { store, reader, handed, contiguous, warnings } = setUp();
    reader.foreign();
    await reader.idle();
    store.commit(2);
    const read = store.repo.pageAfterExcept;
    store.repo.pageAfterExcept = async () => {
      throw new Error('database away');
    };
    reader.foreign();
    await reader.idle();
    expect(handed()).toEqual([]);
    expect(warnings).toHaveLength(1);
    store.repo.pageAfterExcept = read;
    reader.foreign();
    await reader.idle();
    expect(handed()).toEqual([1, 2]);
    expect(contiguous()).toBe(true);
  });

  it('does not read for a notice of kinds no pipeline here takes; reads for one it takes, and for one that does not say', async () => {
    const { store, reader, handed, contiguous } = setUp([{ kinds: ['sensor'], streams: ['telemetry'] }]);
    const sensor = (n: number) => store.commit(n, 'sensor').map((m) => Object.assign(m, { stream: 'telemetry' as const }));
    reader.foreign();
    await reader.idle();
    const reads = () => reader.stats().reads;
    const before = reads();

    store.commit(3, 'checkpoint'); // another server's taps
    reader.foreign(new Set(['checkpoint/event']));
    await reader.idle();
    expect(reads()).toBe(before);

    sensor(2); // another server's readings
    reader.foreign(new Set(['checkpoint/event', 'sensor/telemetry']));
    await reader.idle();
    expect(reads()).toBe(before + 1);
    expect(handed()).toEqual([4, 5]); // the taps passed over, the readings read

    store.commit(1, 'gate');
    sensor(1);
    reader.foreign(); // the poll, or a server that names no kinds: read
    await reader.idle();
    expect(reads()).toBe(before + 2);
    expect(handed()).toEqual([4, 5, 7]);
    expect(contiguous()).toBe(true);
  });
});

describe('ClusterReader: own commits nothing here takes', () => {
  it('are not held, so they ask for no read; the next read passes over them', async () => {
    const { store, reader, handed, contiguous } = setUp([{ kinds: ['sensor'] }]);
    reader.foreign();
    await reader.idle();
    const reads = () => reader.stats().reads;
    const before = reads();
    store.commit(2, 'sensor'); // another server's readings, not notified yet
    reader.committed(store.commit(3, 'checkpoint')); // this server's taps: a gap before them, nothing taken
    await reader.idle();
    expect(reads()).toBe(before);
    reader.committed(store.commit(1, 'sensor')); // this server's reading: taken, a gap before it: read
    await reader.idle();
    expect(reads()).toBe(before + 1);
    expect(handed()).toEqual([1, 2, 6]);
    expect(contiguous()).toBe(true);
  });
});

describe(pairsOf.name, () => {
  it.each([
    { selectors: [{}], expected: null },
    { selectors: [{ kinds: ['checkpoint' as const], streams: ['event' as const] }], expected: ['checkpoint/event'] },
    { selectors: [{ kinds: ['gate' as const], streams: ['ack' as const] }, { kinds: ['gate' as const], streams: ['event' as const] }], expected: ['gate/event', 'gate/ack'] },
    { selectors: [{ kinds: [] }], expected: [] },
  ])('$selectors → $expected', ({ selectors, expected }) => {
    expect(pairsOf(selectors)).toEqual(expected);
  });
});
