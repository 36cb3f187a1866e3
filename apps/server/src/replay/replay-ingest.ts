// A recording (CONTRACT §7, firmware-sim's JSON Lines) through the server's ingest, on virtual time.
//
// The entry is IngestService.submit, as the embedded broker calls it once it has authenticated a
// device and checked its topic (broker/embedded-broker.ts): validation, dedup, the grouped commit,
// every handler's pipeline and the alerts that follow all run as for a live device; only MQTT
// (parsing, PUBACK, the ACL, rate limits) is not in the path. Each message is submitted when the
// replay's time reaches its recorded receive time; the sweeps run on that time (replay-time.ts).
import { parseTopic, type DeviceKind, type Stream } from '@estate-watch/contracts';
import { messageBytes, type RecordedMessage } from '@estate-watch/contracts';
import { selects, type MessageSelector } from '../ingest/accepted-message';
import type { IncomingMessage, IngestOutcome } from '../ingest/incoming-message';
import type { ReplayTime } from './replay-time';

export interface ReplayIngest {
  submit(incoming: IncomingMessage): Promise<IngestOutcome>;
  /** Resolves when everything submitted is committed and applied by every handler. */
  settled(): Promise<void>;
  /** The highest seq every handler has applied (IngestService.stats().dispatchedSeq), or the one named. */
  appliedSeq(handler?: string): number;
}

/** IngestService as the replay uses it. */
export function ingestEntry(
  ingest: Pick<ReplayIngest, 'submit' | 'settled'> & { stats(): { dispatchedSeq: number }; handlerStats(): { name: string; appliedSeq: number }[] },
): ReplayIngest {
  return {
    submit: (m) => ingest.submit(m),
    settled: () => ingest.settled(),
    appliedSeq: (handler) => (handler === undefined ? ingest.stats().dispatchedSeq : (ingest.handlerStats().find((h) => h.name === handler)?.appliedSeq ?? 0)),
  };
}

/** One recorded line, ready to submit. */
export interface ReplayItem {
  at: number;
  incoming: IncomingMessage;
  /** What its topic names: undefined for a topic that does not parse. */
  topic?: { kind: DeviceKind; stream: Stream; device: string };
}

export interface ReplayReport {
  /** Lines submitted. */
  messages: number;
  /** Lines left out: delivered as retained on subscribe (the same message was recorded when it was published). */
  skipped: number;
  outcomes: Record<IngestOutcome['status'], number>;
  /** Virtual time from the first line to the last. */
  virtualMs: number;
  /** Wall time from the first submit until every handler had applied the last and the last sweeps ran. */
  wallMs: number;
  barriers: number;
  sweeps: number;
  /**
   * Where the replay's own loop waited (wall ms): for the window (commits of what it submitted),
   * for the sweeps at a tick (overlapped: only at the look-ahead bound, `ahead`), and at the end
   * (what was held released, everything applied, the last sweeps).
   */
  waits: { window: number; ticks: number; flush: number; ahead: number };
  /** Overlapped: messages held back until an exact sweep before them ran. */
  held: number;
}

/**
 * The lines as the embedded broker would hand them to ingest: each from the device its topic names
 * (a device may publish only on its own topics, CONTRACT §1), in file order, never before the previous.
 */
export function replayItems(recording: readonly RecordedMessage[]): { items: ReplayItem[]; skipped: number } {
  const items: ReplayItem[] = [];
  let skipped = 0;
  let at = -Infinity;
  for (const line of recording) {
    if (line.retained) {
      skipped++;
      continue;
    }
    at = Math.max(at, Date.parse(line.t));
    const parsed = parseTopic(line.topic);
    const publisher = parsed.ok ? { site: parsed.topic.site, device: parsed.topic.device } : undefined;
    const topic = parsed.ok ? { kind: parsed.topic.kind, stream: parsed.topic.stream, device: `${parsed.topic.site}/${parsed.topic.device}` } : undefined;
    items.push({ at, incoming: { topic: line.topic, payload: messageBytes(line), publisher }, topic });
  }
  return { items, skipped };
}

/**
 * Submits every item at its time, up to `window` awaiting their commit (ingest's grouped commit takes
 * up to 2000 at once), and resolves once all are applied and the sweeps ran at the last line's time.
 *
 * Overlapped, with `exact` (the exact sweep's handler: patrol, whose sweep judges taps): a message
 * that handler takes, received at or after an exact sweep's instant, is held until that sweep ran
 * (and every later message of its device behind it, so each device's order holds for every
 * handler), then goes in dated as received; every other message goes on. The exact sweep's
 * barrier waits only for that handler to have applied what came before its instant. Issue 9.7:
 * the replay used to stop at each such instant until every pipeline had drained.
 */
export async function replayThroughIngest(
  items: readonly ReplayItem[],
  ingest: ReplayIngest,
  time: ReplayTime,
  options: { window?: number; skipped?: number; exact?: { handler: string; selects: MessageSelector } } = {},
): Promise<ReplayReport> {
  const half = Math.max(1, Math.floor((options.window ?? 8000) / 2));
  const outcomes: ReplayReport['outcomes'] = { accepted: 0, duplicate: 0, rejected: 0, ignored: 0 };
  /** Per item: its seq once committed (0: none stored), whether it is; and the highest seq of items 0..i-1 committed in a row. */
  const seqs = new Float64Array(items.length);
  const done = new Uint8Array(items.length);
  const highestBefore = new Float64Array(items.length + 1);
  let scanned = 0;
  const outcome = (i: number) => (o: IngestOutcome) => {
    outcomes[o.status]++;
    if (o.status === 'accepted') seqs[i] = o.seq;
    done[i] = 1;
  };
  let chunk: Promise<void>[] = [];
  let previous: Promise<unknown> = Promise.resolve();
  /** Everything submitted so far committed and applied; nothing else moves meanwhile. */
  const settled = async () => {
    await previous;
    await Promise.all(chunk);
    await ingest.settled();
  };
  /**
   * Overlapped: everything received before `at` committed, then applied by every handler; the replay
   * goes on submitting meanwhile. A handler's cursor moves after the batch that holds the seq is
   * applied, so the wait is a short poll of the commits and the cursors.
   */
  const scan = () => {
    while (scanned < items.length && done[scanned]) {
      highestBefore[scanned + 1] = Math.max(highestBefore[scanned]!, seqs[scanned]!);
      scanned++;
    }
  };
  const appliedBefore = async (at: number, handler?: string) => {
    const k = firstAtOrAfter(items, at);
    for (;;) {
      scan();
      if (scanned >= k && ingest.appliedSeq(handler) >= highestBefore[k]!) return;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  const exact = time.overlapped ? options.exact : undefined;
  const barrier = time.overlapped ? appliedBefore : settled;
  const exactBarrier = exact ? (at: number) => appliedBefore(at, exact.handler) : barrier;
  /** Items 0..applied-1 are committed and applied: everything received before the next one's time. */
  let applied = 0;
  time.appliedBefore = () => {
    scan();
    const seq = ingest.appliedSeq();
    while (applied < scanned && seqs[applied]! <= seq) applied++;
    return applied < items.length ? items[applied]!.at : Infinity;
  };
  /** Items held for an exact sweep, in order; those before `heldFrom` went in. Per device: how many of its are held. */
  const held: number[] = [];
  let heldFrom = 0;
  const heldOf = new Map<string, number>();
  const holds = (item: ReplayItem) => {
    if (!exact || !item.topic) return false;
    if (heldOf.has(item.topic.device)) return true;
    return selects(exact.selects, item.topic) && !time.exactClear(item.at);
  };
  let allReleased: (() => void) | undefined;
  const release = () => {
    // In order: a message held only behind its device's goes in after it.
    while (heldFrom < held.length && time.exactClear(items[held[heldFrom]!]!.at)) {
      const i = held[heldFrom++]!;
      const device = items[i]!.topic!.device;
      const n = heldOf.get(device)! - 1;
      if (n > 0) heldOf.set(device, n);
      else heldOf.delete(device);
      chunk.push(time.at(items[i]!.at, () => ingest.submit(items[i]!.incoming)).then(outcome(i)));
    }
    if (heldFrom === held.length) allReleased?.();
  };
  time.onExactRan = release;
  const waits = { window: 0, ticks: 0, flush: 0 };
  const started = performance.now();
  for (const [i, item] of items.entries()) {
    if (item.at > time.now()) {
      const t = performance.now();
      await time.advanceTo(item.at, barrier, exactBarrier);
      waits.ticks += performance.now() - t;
    }
    if (holds(item)) {
      held.push(i);
      heldOf.set(item.topic!.device, (heldOf.get(item.topic!.device) ?? 0) + 1);
      continue;
    }
    chunk.push(ingest.submit(item.incoming).then(outcome(i)));
    if (chunk.length >= half) {
      // Between half and all of the window in flight: the next chunk fills while this one commits.
      const t = performance.now();
      await previous;
      waits.window += performance.now() - t;
      previous = Promise.all(chunk);
      chunk = [];
    }
  }
  const flushed = performance.now();
  if (heldFrom < held.length) await new Promise<void>((resolve) => (allReleased = resolve));
  await time.flush(settled);
  time.onExactRan = undefined;
  const wallMs = performance.now() - started;
  waits.flush = performance.now() - flushed;
  return {
    messages: items.length,
    skipped: options.skipped ?? 0,
    outcomes,
    virtualMs: items.length === 0 ? 0 : items[items.length - 1]!.at - items[0]!.at,
    wallMs,
    barriers: time.counts.barriers,
    sweeps: time.counts.sweeps,
    waits: {
      window: Math.round(waits.window),
      ticks: Math.round(waits.ticks),
      flush: Math.round(waits.flush),
      ahead: Math.round(time.waited.ahead),
    },
    held: held.length,
  };
}

/** The index of the first item received at or after `at` (items are in time order). */
function firstAtOrAfter(items: readonly ReplayItem[], at: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
