import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';

/** A commit function whose calls the test releases one by one. */
function heldCommits() {
  const calls: { items: number[]; release(): void; fail(error: Error): void }[] = [];
  const commit = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items, release: () => resolve(items.map((i) => `ok ${i}`)), fail: reject });
    });
  return { calls, commit };
}

const noLinger = { ms: 0, below: 0, after: 0 };

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

describe(GroupCommit.name, () => {
  it('an urgent item goes ahead of a long queue, but never ahead of its own key (per-device order)', async () => {
    const { calls, commit } = heldCommits();
    const group = new GroupCommit(commit, 3, noLinger);
    void group.submit(0, { key: 'x' });
    await until(() => calls.length === 1);
    // Queued behind the commit in flight: 1..5 from devices a and b, then urgent items.
    for (const [i, key] of [[1, 'a'], [2, 'b'], [3, 'a'], [4, 'b'], [5, 'b']] as const) void group.submit(i, { key });
    void group.submit(10, { key: 'leak', urgent: true }); // no earlier item of its own: to the front
    void group.submit(11, { key: 'a', urgent: true }); // a has 1 and 3 queued: just after 3
    void group.submit(12, { key: 'leak', urgent: true }); // after the first leak item
    calls[0]?.release();
    await until(() => calls.length === 2);
    expect(calls[1]?.items).toEqual([10, 12, 1]);
    calls[1]?.release();
    await until(() => calls.length === 3);
    expect(calls[2]?.items).toEqual([2, 3, 11]);
    calls[2]?.release();
    await until(() => calls.length === 4);
    expect(calls[3]?.items).toEqual([4, 5]);
    calls[3]?.release();
  });

  it('a commit with an urgent item ends after it (and the earlier items of its key); the rest follows in the next', async () => {
    const { calls, commit } = heldCommits();
    const group = new GroupCommit(commit, 100, noLinger);
    void group.submit(0, { key: 'x' });
    await until(() => calls.length === 1);
    for (const [i, key] of [[1, 'a'], [2, 'b'], [3, 'leak'], [4, 'b']] as const) void group.submit(i, { key });
    void group.submit(10, { key: 'leak', urgent: true }); // behind 3, its own key's earlier item
    calls[0]?.release();
    await until(() => calls.length === 2);
    expect(calls[1]?.items).toEqual([1, 2, 3, 10]);
    calls[1]?.release();
    await until(() => calls.length === 3);
    expect(calls[2]?.items).toEqual([4]);
    calls[2]?.release();
  });

  it('an urgent item ends a linger at once', async () => {
    const { calls, commit } = heldCommits();
    const group = new GroupCommit(commit, 100, { ms: 60_000, below: 50, after: 2 });
    void group.submit(1);
    void group.submit(2);
    await until(() => calls.length === 1);
    calls[0]?.release();
    void group.submit(3); // lingers (the last batch had 2 ≥ after): a minute, were it not for the alarm
    // GroupCommit decides in a setImmediate callback: two check phases later it has chosen to linger
    for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1);
    const alarm = group.submit(4, { key: 'leak', urgent: true });
    await until(() => calls.length === 2);
    expect(calls[1]?.items).toEqual([4]);
    calls[1]?.release();
    expect(await alarm).toBe('ok 4');
    await until(() => calls.length === 3);
    expect(calls[2]?.items).toEqual([3]);
    calls[2]?.release();
  });

  it('an urgent item with no commit in flight starts its commit at once, not after the rest of the turn; what came before it follows', async () => {
    const { calls, commit } = heldCommits();
    const group = new GroupCommit(commit, 100, noLinger);
    void group.submit(1, { key: 'a' });
    const alarm = group.submit(2, { key: 'leak', urgent: true });
    // Still in the turn that submitted them (the broker reading a backlog of packets).
    expect(calls.map((c) => c.items)).toEqual([[2]]);
    void group.submit(3, { key: 'a' });
    calls[0]?.release();
    expect(await alarm).toBe('ok 2');
    await until(() => calls.length === 2);
    expect(calls[1]?.items).toEqual([1, 3]);
    calls[1]?.release();
  });

  it('commits what arrived in one tick together', async () => {
    const { calls, commit } = heldCommits();
    const group = new GroupCommit(commit, 100, noLinger);
    const results = Promise.all([1, 2, 3].map((i) => group.submit(i)));
    await until(() => calls.length === 1);
    expect(calls[0]?.items).toEqual([1, 2, 3]);
    calls[0]?.release();
    expect(await results).toEqual(['ok 1', 'ok 2', 'ok 3']);
  });

  it('queues while a commit is in flight; the next commit takes everything queued', async () => {
    const { calls, commit } = heldCommits();
    const group = new GroupCommit(commit, 100, noLinger);
    const first = group.submit(1);
    await until(() => calls.length === 1);
    const later = [2, 3, 4].map((i) => group.submit(i));
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1); // nothing starts beside the commit in flight
    calls[0]?.release();
    await first;
    await until(() => calls.length === 2);
    expect(calls[1]?.items).toEqual([2, 3, 4]);
    calls[1]?.release();
    expect(await Promise.all(later)).toEqual(['ok 2', 'ok 3', 'ok 4']);
  });

  it('bounds a batch at maxBatch', async () => {
    const { calls, commit } = heldCommits();
    const group = new GroupCommit(commit, 2, noLinger);
    const all = Promise.all([1, 2, 3, 4, 5].map((i) => group.submit(i)));
    await until(() => calls.length === 1);
    calls[0]?.release();
    await until(() => calls.length === 2);
    calls[1]?.release();
    await until(() => calls.length === 3);
    calls[2]?.release();
    await all;
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('fails every item of a failed commit, and carries on with the next', async () => {
    const { calls, commit } = heldCommits();
    const group = new GroupCommit(commit, 100, noLinger);
    const failed = [1, 2].map((i) => group.submit(i).catch((e: Error) => e.message));
    await until(() => calls.length === 1);
    calls[0]?.fail(new Error('database away'));
    expect(await Promise.all(failed)).toEqual(['database away', 'database away']);
    const after = group.submit(3);
    await until(() => calls.length === 2);
    calls[1]?.release();
    expect(await after).toBe('ok 3');
  });

  it('under load, lets a small batch grow for the linger time; a lone message after a quiet spell goes at once', async () => {
    const { calls, commit } = heldCommits();
    const group = new GroupCommit(commit, 100, { ms: 20, below: 50, after: 2 });
    const lone = group.submit(1);
    await until(() => calls.length === 1); // no linger: nothing was committed before
    calls[0]?.release();
    await lone;
    const burst = [2, 3].map((i) => group.submit(i));
    await until(() => calls.length === 2);
    const second = calls[1] as (typeof calls)[number];
    // The next commit follows a 2-message batch (≥ after): it lingers, and what arrives meanwhile joins it.
    const lingering = [4, 5].map((i) => group.submit(i));
    second.release();
    await Promise.all(burst);
    const late = group.submit(6);
    await until(() => calls.length === 3);
    expect(calls[2]?.items).toEqual([4, 5, 6]);
    calls[2]?.release();
    await Promise.all([...lingering, late]);
  });

  it('pendingBelow resolves when a batch taken from the queue leaves fewer queued (the broker reads devices again)', async () => {
    const { calls, commit } = heldCommits();
    const group = new GroupCommit(commit, 3, noLinger);
    for (let i = 0; i < 8; i++) void group.submit(i);
    await until(() => calls.length === 1); // 0..2 in flight, 5 queued
    let below4 = false;
    void group.pendingBelow(4).then(() => (below4 = true));
    await group.pendingBelow(6); // already true
    calls[0]?.release();
    await until(() => calls.length === 2); // 3..5 taken, 2 queued
    await until(() => below4);
    expect(group.pending).toBe(2);
    calls[1]?.release();
    await until(() => calls.length === 3);
    calls[2]?.release();
  });
});
