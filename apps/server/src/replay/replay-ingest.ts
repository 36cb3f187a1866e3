// A recording (CONTRACT §7, firmware-sim's JSON Lines) through the server's ingest, on virtual time.
//
// The entry is IngestService.submit, as the embedded broker calls it once it has authenticated a
// device and checked its topic (broker/embedded-broker.ts): validation, dedup, the grouped commit,
// every handler's pipeline and the alerts that follow all run as for a live device; only MQTT
// (parsing, PUBACK, the ACL, rate limits) is not in the path. Each message is submitted when the
// replay's time reaches its recorded receive time; the sweeps run on that time (replay-time.ts).
import { parseTopic } from '@estate-watch/contracts';
import { messageBytes, type RecordedMessage } from '@estate-watch/contracts';
import type { IncomingMessage, IngestOutcome } from '../ingest/incoming-message';
import type { ReplayTime } from './replay-time';

export interface ReplayIngest {
  submit(incoming: IncomingMessage): Promise<IngestOutcome>;
  /** Resolves when everything submitted is committed and applied by every handler. */
  settled(): Promise<void>;
  /** The highest seq every handler has applied (IngestService.stats().dispatchedSeq). */
  appliedSeq(): number;
}

/** IngestService as the replay uses it. */
export function ingestEntry(ingest: Pick<ReplayIngest, 'submit' | 'settled'> & { stats(): { dispatchedSeq: number } }): ReplayIngest {
  return {
    submit: (m) => ingest.submit(m),
    settled: () => ingest.settled(),
    appliedSeq: () => ingest.stats().dispatchedSeq,
  };
}

/** One recorded line, ready to submit. */
export interface ReplayItem {
  at: number;
  incoming: IncomingMessage;
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
   * for the sweeps at a tick (overlapped: only when `maxBehind` ticks were waiting), and at the end
   * (everything applied, the last sweeps).
   */
  waits: { window: number; ticks: number; flush: number };
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
    items.push({ at, incoming: { topic: line.topic, payload: messageBytes(line), publisher } });
  }
  return { items, skipped };
}

/**
 * Submits every item at its time, up to `window` awaiting their commit (ingest's grouped commit takes
 * up to 2000 at once), and resolves once all are applied and the sweeps ran at the last line's time.
 */
export async function replayThroughIngest(items: readonly ReplayItem[], ingest: ReplayIngest, time: ReplayTime, options: { window?: number; skipped?: number } = {}): Promise<ReplayReport> {
  const half = Math.max(1, Math.floor((options.window ?? 8000) / 2));
  const outcomes: ReplayReport['outcomes'] = { accepted: 0, duplicate: 0, rejected: 0, ignored: 0 };
  let lastSeq = 0;
  const count = (o: IngestOutcome) => {
    outcomes[o.status]++;
    if (o.status === 'accepted') lastSeq = Math.max(lastSeq, o.seq);
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
   * Overlapped: what was submitted up to this call (taken now) committed, then applied by every
   * handler; the replay goes on submitting meanwhile. A handler's cursor moves after the batch that
   * holds the seq is applied, so the wait is a short poll of the cursors.
   */
  const appliedSoFar = () => {
    const submitted = Promise.all([previous, Promise.all(chunk.slice())]);
    return submitted.then(async () => {
      const target = lastSeq;
      while (ingest.appliedSeq() < target) await new Promise((resolve) => setTimeout(resolve, 1));
    });
  };
  const barrier = time.overlapped ? appliedSoFar : settled;
  const waits = { window: 0, ticks: 0, flush: 0 };
  const started = performance.now();
  for (const item of items) {
    if (item.at > time.now()) {
      const t = performance.now();
      await time.advanceTo(item.at, barrier);
      waits.ticks += performance.now() - t;
    }
    chunk.push(ingest.submit(item.incoming).then(count));
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
  await time.flush(settled);
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
    waits: { window: Math.round(waits.window), ticks: Math.round(waits.ticks), flush: Math.round(waits.flush) },
  };
}
