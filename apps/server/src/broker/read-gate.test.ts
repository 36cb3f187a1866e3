import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PacketSizeGuard } from './packet-size-guard';
import { ReadGate, type IngestBacklog } from './read-gate';

/** A commit queue whose length the test sets; `backlogBelow` resolves when it is set short enough. */
function queue(length = 0) {
  const waiters: { below: number; resolve(): void }[] = [];
  const q = {
    length,
    get backlog() {
      return q.length;
    },
    backlogBelow(below: number): Promise<void> {
      if (q.length < below) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ below, resolve }));
    },
    /** A batch taken from the queue. */
    set(n: number): void {
      q.length = n;
      for (const w of waiters.splice(0)) {
        if (n < w.below) w.resolve();
        else waiters.push(w);
      }
    },
  };
  return q satisfies IngestBacklog;
}

const turn = () => new Promise((r) => setImmediate(r));

/** A PUBLISH of `n` bytes after its fixed header: the guard only reads fixed headers [MQTT-2.2.3]. */
function publish(n: number): Buffer {
  const length: number[] = [];
  for (let rest = n; ; ) {
    const digit = rest % 128;
    rest = Math.floor(rest / 128);
    length.push(rest > 0 ? digit | 0x80 : digit);
    if (rest === 0) break;
  }
  return Buffer.concat([Buffer.from([0x30, ...length]), Buffer.alloc(n, 0x61)]);
}

/** The guard over an in-memory socket: `wire` is what the device sent, `seen` what aedes was given. */
function guarded(gate: ReadGate) {
  const wire = new PassThrough();
  const guard = new PacketSizeGuard(wire as unknown as Socket, 1024, () => undefined, gate);
  const seen: Buffer[] = [];
  guard.on('data', (chunk: Buffer) => seen.push(chunk));
  return { wire, guard, seen };
}

describe(ReadGate.name, () => {
  afterEach(() => void vi.useRealTimers());

  it.each([
    { queued: 9, closed: false },
    { queued: 10, closed: true }, // the high mark itself stops reading
    { queued: 500, closed: true },
  ])('with $queued queued (high mark 10) closed: $closed', ({ queued, closed }) => {
    expect(new ReadGate(queue(queued), { high: 10, low: 4, maxPauseMs: 1000 }).closed).toBe(closed);
  });

  it('once closed stays closed until the queue is below the low mark, then resumes every held reader', async () => {
    const q = queue(10);
    const gate = new ReadGate(q, { high: 10, low: 4, maxPauseMs: 60_000 });
    const resumed: string[] = [];
    expect(gate.closed).toBe(true);
    gate.hold(() => resumed.push('a'));
    gate.hold(() => resumed.push('b'));
    q.set(6); // below the high mark, not below the low one
    await turn();
    expect(gate.closed).toBe(true);
    expect(resumed).toEqual([]);
    q.set(3);
    await turn();
    expect(resumed).toEqual(['a', 'b']);
    expect(gate.closed).toBe(false);
    expect(gate.pauses).toBe(1);
  });

  it('opens after maxPauseMs even if the queue did not drain (a paused socket’s PINGREQ is not read: keepalive)', async () => {
    vi.useFakeTimers();
    const q = queue(50);
    const gate = new ReadGate(q, { high: 10, low: 4, maxPauseMs: 2000 });
    const resumed: number[] = [];
    expect(gate.closed).toBe(true);
    gate.hold(() => resumed.push(1));
    vi.advanceTimersByTime(1999);
    expect(resumed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(resumed).toEqual([1]);
    // Still long: the next reader that delivers data closes it again, for another bounded pause.
    expect(gate.closed).toBe(true);
    expect(gate.pauses).toBe(2);
    // The first pause's wake-up, when it comes, does not open the second early.
    q.set(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(gate.closed).toBe(false);
  });
});

describe('PacketSizeGuard with a read gate', () => {
  it('passes on the chunk that found the gate closed, then reads nothing more until the queue drains', async () => {
    const q = queue(0);
    const gate = new ReadGate(q, { high: 10, low: 4, maxPauseMs: 60_000 });
    const { wire, seen } = guarded(gate);
    wire.write(publish(5));
    await turn();
    expect(seen).toHaveLength(1);
    q.set(10); // the commit queue is long
    wire.write(publish(6));
    await turn();
    expect(seen).toHaveLength(2);
    wire.write(publish(7));
    wire.write(publish(8));
    await turn();
    // Left in the socket (in TCP, for a real one), not parsed into packets waiting for a commit.
    expect(seen).toHaveLength(2);
    expect(wire.readableLength).toBe(publish(7).length + publish(8).length);
    q.set(3);
    await turn();
    expect(Buffer.concat(seen)).toEqual(Buffer.concat([5, 6, 7, 8].map(publish)));
  });

  it('a gate opening does not resume a socket aedes has not asked more of (its own high-water mark)', async () => {
    const q = queue(10);
    const gate = new ReadGate(q, { high: 10, low: 4, maxPauseMs: 60_000 });
    const wire = new PassThrough();
    // Nobody reads the guard: aedes busy with the last batch.
    const guard = new PacketSizeGuard(wire as unknown as Socket, 100_000, () => undefined, gate);
    const big = publish(20_000); // over the guard's 16 KiB high-water mark
    wire.write(big);
    await turn();
    expect(guard.readableLength).toBe(big.length);
    q.set(0);
    await turn();
    wire.write(publish(5));
    await turn();
    expect(guard.readableLength).toBe(big.length); // still paused: aedes did not read
    guard.read();
    await turn();
    expect(guard.readableLength).toBe(publish(5).length);
  });
});
