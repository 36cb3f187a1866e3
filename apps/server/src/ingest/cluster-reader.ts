// Several servers on one database (cluster/README.md): what this server's handler pipelines
// receive. Every handler must see every stored message of its kinds, whichever server stored
// it; reading them back once per pipeline cost each message one read (and one JSON parse of its
// payload) per busy handler, plus one query per idle pipeline per commit anywhere.
//
// Here the server reads the others' messages once for all its pipelines, and its own never:
// - Its own commits are handed over from memory. A cluster's commit draws its seqs and commits
//   under one advisory lock (IngestRepository.serializeCommits), so no other server's row lies
//   between the lowest and highest seq of one commit.
// - The rest is read from the database after the frontier (every seq up to it is handed over),
//   only the kinds its pipelines take, leaving out the seq ranges of its own commits still held.
// Each read yields one segment (from, upTo]: everything the pipelines take in it, in seq order.
// Segments follow each other without a gap; a pipeline that is behind one (it started, or
// overflowed) reads from the database itself (HandlerPipeline).
import { DEVICE_KINDS, UPSTREAM_STREAMS } from '@estate-watch/contracts';
import type { Logger } from '@nestjs/common';
import { selects, type AcceptedMessage, type MessageSelector } from './accepted-message';
import type { IngestRepository } from './ingest.repository';

export interface Segment {
  /** Every seq up to this one was handed over before (exclusive lower bound). */
  from: number;
  /** Inclusive upper bound: every message the pipelines take in (from, upTo] is in messages. */
  upTo: number;
  messages: readonly AcceptedMessage[];
}

export type ReaderRepo = Pick<IngestRepository, 'headSeq' | 'pageAfterExcept'>;

interface Own {
  lo: number;
  hi: number;
  messages: readonly AcceptedMessage[];
}

/** Rows per read; a longer backlog is read in several. */
const PAGE = 2_000;
/** Own messages held while reads fail or lag; past this they are read from the database like the rest. */
const MAX_HELD = 50_000;

export class ClusterReader {
  /** Every seq up to here is handed over; undefined while no pipeline runs here. */
  private frontier: number | undefined;
  /** This server's commits past the frontier, in seq order (one commit at a time: GroupCommit). */
  private own: Own[] = [];
  private held = 0;
  /** Notices of another server's commit; `seen` of them are covered by a read. */
  private notices = 0;
  private seen = 0;
  private running: Promise<void> | undefined;
  /** Something came while the last read was finishing: look again. */
  private again = false;
  private stopped = false;
  private lastWarnAt = 0;
  private readonly counters = { reads: 0, rows: 0 };

  constructor(
    private readonly repo: ReaderRepo,
    /** The selectors of the pipelines running here (none: nothing is read or held). */
    private readonly takers: () => readonly MessageSelector[],
    private readonly deliver: (segment: Segment) => void,
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly pageSize = PAGE,
  ) {}

  /** A commit of this server, in seq order. */
  committed(messages: readonly AcceptedMessage[]): void {
    if (this.stopped || messages.length === 0) return;
    const takers = this.takers();
    // A commit nothing here takes is not held: holding it asked for a read of what lay between it
    // and the frontier (the others' commits), so a server whose pipelines took none of the ingest
    // bench's taps still read 40-60 times a burst. The next read passes over its rows.
    if (takers.length === 0 || !messages.some((m) => takers.some((t) => selects(t, m)))) return;
    const lo = (messages[0] as AcceptedMessage).seq;
    const hi = (messages[messages.length - 1] as AcceptedMessage).seq;
    if (this.held + messages.length > MAX_HELD) {
      // Dropping is safe: what is not held is read from the database.
      this.own = [];
      this.held = 0;
    }
    this.own.push({ lo, hi, messages });
    this.held += messages.length;
    this.kick();
  }

  /**
   * Another server committed (a NOTIFY, or the poll): read after the frontier. `pairs`: the
   * `kind/stream` pairs that commit stored, when the notice says; one that holds none of what the
   * pipelines here take is not read (the frontier stays, and the next read passes over its rows).
   * Three servers of the ingest bench read 50–260 times a burst each to find nothing.
   */
  foreign(pairs?: ReadonlySet<string>): void {
    if (this.stopped) return;
    if (pairs && this.frontier !== undefined && !takesAny(this.takers(), pairs)) return;
    this.notices++;
    this.kick();
  }

  /** Resolves when nothing is being read (every notice so far is handed over, or failed). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Reads of the others' commits so far, and the rows they returned. */
  stats(): { reads: number; rows: number } {
    return { ...this.counters };
  }

  /** No pipeline runs here any more: hold nothing; the next one starts from the head again. */
  reset(): void {
    this.forget();
  }

  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    // pump runs synchronously up to its first read: an own commit next to the frontier is handed over at once.
    this.running = this.pump()
      .catch((error: unknown) => {
        // The pipelines wait; the next notice or the poll (every second) reads again.
        if (Date.now() - this.lastWarnAt > 10_000) this.logger.warn(`reading the other servers' messages failed (${String(error)}); read again on the next notice`);
        this.lastWarnAt = Date.now();
        this.seen = this.notices;
        this.again = false;
      })
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pump(): Promise<void> {
    while (!this.stopped) {
      const takers = this.takers();
      if (takers.length === 0) return this.forget();
      if (this.frontier === undefined) {
        // The pipelines read up to the head themselves as they start; this server follows from there.
        const notices = this.notices;
        const head = await this.repo.headSeq();
        this.frontier ??= head;
        this.seen = notices;
        continue;
      }
      this.handOwn();
      if (this.notices === this.seen && this.own.length === 0) return;
      await this.read(takers);
    }
  }

  /** Own commits the frontier already passed are dropped; one right after it is handed over. */
  private handOwn(): void {
    while (this.own.length > 0) {
      const next = this.own[0] as Own;
      const frontier = this.frontier as number;
      if (next.hi > frontier && next.lo !== frontier + 1) return;
      this.own.shift();
      this.held -= next.messages.length;
      if (next.hi <= frontier) continue;
      this.frontier = next.hi;
      this.deliver({ from: frontier, upTo: next.hi, messages: next.messages });
    }
  }

  /**
   * One page after the frontier, without the own commits held now. The page's snapshot holds every
   * commit up to its head (seq order is commit order), so an own commit that arrived during the
   * read and lies below the page's end was read with it, and is dropped here.
   */
  private async read(takers: readonly MessageSelector[]): Promise<void> {
    const from = this.frontier as number;
    const notices = this.notices;
    const except = [...this.own];
    const page = await this.repo.pageAfterExcept(from, this.pageSize, pairsOf(takers), except.map((o) => [o.lo, o.hi] as const));
    this.counters.reads++;
    this.counters.rows += page.messages.length;
    if (this.frontier !== from) return; // forgotten meanwhile (no pipeline for a moment): start over
    const full = page.messages.length === this.pageSize;
    const upTo = full ? (page.messages[page.messages.length - 1] as AcceptedMessage).seq : Math.max(page.head, from);
    const within = except.filter((o) => o.hi <= upTo);
    const keep: Own[] = [];
    for (const o of this.own) {
      if (o.hi > upTo) keep.push(o);
      else this.held -= o.messages.length;
    }
    this.own = keep;
    this.frontier = upTo;
    if (!full) this.seen = notices;
    const messages = within.length === 0 ? page.messages : merge(page.messages, within, takers);
    this.deliver({ from, upTo, messages });
  }

  private forget(): void {
    this.frontier = undefined;
    this.own = [];
    this.held = 0;
    this.seen = this.notices;
  }
}

/** Whether any of the selectors takes one of the `kind/stream` pairs. */
function takesAny(selectors: readonly MessageSelector[], pairs: ReadonlySet<string>): boolean {
  const taken = pairsOf(selectors);
  return taken === null || taken.some((pair) => pairs.has(pair));
}

/** The `kind/stream` pairs any of the selectors takes; null when they take everything. */
export function pairsOf(selectors: readonly MessageSelector[]): string[] | null {
  const pairs: string[] = [];
  for (const kind of DEVICE_KINDS) {
    for (const stream of UPSTREAM_STREAMS) if (selectors.some((s) => selects(s, { kind, stream }))) pairs.push(`${kind}/${stream}`);
  }
  return pairs.length === DEVICE_KINDS.length * UPSTREAM_STREAMS.length ? null : pairs;
}

/** The page's rows and the own commits within it, in seq order (the own ones only where a pipeline takes them). */
function merge(read: readonly AcceptedMessage[], own: readonly Own[], takers: readonly MessageSelector[]): AcceptedMessage[] {
  const out: AcceptedMessage[] = [];
  let i = 0;
  for (const o of own) {
    while (i < read.length && (read[i] as AcceptedMessage).seq < o.lo) out.push(read[i++] as AcceptedMessage);
    for (const m of o.messages) if (takers.some((s) => selects(s, m))) out.push(m);
  }
  while (i < read.length) out.push(read[i++] as AcceptedMessage);
  return out;
}
