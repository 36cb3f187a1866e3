// Step 3 of the path of one message, for one handler: stored messages → that handler, in seq
// order, in batches, after their commit. Each handler has its own pipeline, cursor and backlog,
// so a slow parking handler never holds a leak alarm in the equipment handler.
//
// Live batches arrive in memory from the committer. At start-up, after a database error, and
// whenever the in-memory backlog overflows (the handler is slower than ingest), the pipeline
// reads from the database instead ("catch-up"): every queued message is committed, so dropping
// the queue loses nothing and memory stays bounded.
//
// The urgent lane: a message the handler calls urgent (a leak, a critical limit, a fault) is
// applied, with every earlier pending message of its device, as soon as the batch under way is
// done, ahead of the backlog. Per-device order holds; the backlog later passes over what the
// lane applied. The handler never runs two batches at once: its alerts follow its state changes
// in order, whichever lane they came from.
//
// Several server instances on one database: each dispatches what it committed. Concurrent
// writers draw bigserial values in one order and may commit in another, so a reader of
// "seq > cursor" could pass over a row whose lower seq commits a moment later; within one
// process commits are serial (GroupCommit), so that cannot happen here.
import type { Logger } from '@nestjs/common';
import { pathTrace } from '../common/path-trace';
import { selects, type AcceptedMessage, type MessageHandler } from './accepted-message';
import type { HandlerCursor, IngestRepository } from './ingest.repository';

export interface PipelineOptions {
  /** Messages held in memory before falling back to reading from the database. */
  maxQueued: number;
  /** Most messages handed over in one batch: the urgent lane waits at most one batch. */
  maxBatch: number;
  /** Attempts of a batch (and then of each of its messages) before a message is recorded as failed. */
  attempts: number;
  /** First retry delay; doubled each attempt. */
  retryMs: number;
  /** The cursor is written at most this often while messages keep coming, and when the pipeline goes idle. */
  cursorEveryMs: number;
  /** Pause after a database error before reading again. */
  pauseMs: number;
  /** Alarms ahead of the backlog (off in a cluster: cluster/README.md "Limits"). */
  urgentLane?: boolean;
}

export const DEFAULT_PIPELINE_OPTIONS: PipelineOptions = { maxQueued: 50_000, maxBatch: 500, attempts: 4, retryMs: 100, cursorEveryMs: 250, pauseMs: 1_000 };

export interface HandlerStats {
  name: string;
  /** Every message this handler takes with seq ≤ this one is applied (or recorded as failed). */
  appliedSeq: number;
  /** Messages applied up to appliedSeq, durable across restarts (count of its kinds stored up to there). */
  applied: number;
  /** Messages waiting in memory, the batch being applied included; in catch-up the backlog is in the database and this is a lower bound. */
  pending: number;
  catchingUp: boolean;
  /** Applying, reading or about to: false only when it has nothing left to do. */
  busy: boolean;
  /** Device time of arrival of the oldest message not yet applied; undefined when nothing waits. */
  oldestPendingAt?: string;
  /** Batches that threw (each retry counts). */
  errors: number;
  /** Messages that failed every attempt and were recorded in handler_failures. */
  failed: number;
  /** Messages applied ahead of the backlog by the urgent lane. */
  urgent: number;
  lastError?: string;
}

type PipelineRepo = Pick<IngestRepository, 'handlerCursor' | 'saveHandlerCursor' | 'messagesAfter' | 'deviceMessagesBetween' | 'recordHandlerFailure'> &
  Partial<Pick<IngestRepository, 'headSeq' | 'pageAfter'>>;

interface Page {
  messages: AcceptedMessage[];
  head: number;
}

interface Queued {
  messages: AcceptedMessage[];
  /** Highest seq of the committed batch this came from: the cursor may move this far once it is applied. */
  upTo: number;
  /** When known (a cluster's segments): every seq up to here came before, so a cursor below it has missed some. */
  from?: number;
}

const deviceKey = (m: Pick<AcceptedMessage, 'siteId' | 'deviceId'>) => `${m.siteId}\u0000${m.deviceId}`;

export class HandlerPipeline {
  private queue: Queued[] = [];
  private queued = 0;
  private cursor: HandlerCursor = { seq: 0, applied: 0 };
  private saved: HandlerCursor = { seq: 0, applied: 0 };
  private savedAt = 0;
  private catchUp = true;
  private started = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  /** The tail of the chain of handler calls: one at a time, in the order they asked. */
  private exclusive: Promise<unknown> = Promise.resolve();
  private cursorTimer: NodeJS.Timeout | undefined;
  /** The cursor write under way. */
  private cursorWrite: Promise<void> | undefined;
  /** Devices with an urgent message waiting: device → highest urgent seq. */
  private readonly urgentDevices = new Map<string, number>();
  /** Of those, the ones whose lane reads from the database (urgentStored: not handed over yet). */
  private readonly fromDatabase = new Set<string>();
  /** Devices with messages in a handler call under way (how many calls), and devices a lane is applying. */
  private readonly inHandler = new Map<string, number>();
  private readonly inLane = new Set<string>();
  /** Handler calls chained but not started; whether the call under way is a queued batch. */
  private waiting = 0;
  private applyingQueued = false;
  /** Devices whose messages up to this seq the urgent lane already applied. */
  private readonly appliedAhead = new Map<string, number>();
  private catchUpHeadAt: Date | undefined;
  /** poke() calls so far: a catch-up read that raced one must read again. */
  private pokes = 0;
  /** The next catch-up page, read while the previous one is applied (pokes: as many as when it was asked for). */
  private ahead: { after: number; pokes: number; page: Promise<Page> } | undefined;
  private readonly counters = { errors: 0, failed: 0, urgent: 0 };
  private lastError: string | undefined;

  constructor(
    readonly handler: MessageHandler,
    /** Its row in ingest_cursor, and the v6 single cursor a handler new to the database starts from. */
    private readonly cursorName: string,
    private readonly legacyCursorName: string,
    private readonly repo: PipelineRepo,
    private readonly logger: Pick<Logger, 'error' | 'warn'>,
    private readonly options: PipelineOptions = DEFAULT_PIPELINE_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  get name(): string {
    return this.handler.name;
  }

  /** Resumes after the durable cursor (replaying what was stored since), then follows live batches. */
  async start(): Promise<void> {
    if (this.started) return;
    this.cursor = await this.repo.handlerCursor(this.cursorName, this.legacyCursorName);
    this.saved = { ...this.cursor };
    this.started = true;
    this.catchUp = true;
    this.kick();
    await this.idle();
  }

  /**
   * A committed batch, in seq order (every kind: the pipeline keeps what its handler takes). In a
   * cluster (ingest/cluster-reader.ts) a segment: every message in (from, upTo], possibly none.
   */
  enqueue(batch: readonly AcceptedMessage[], range?: { from: number; upTo: number }): void {
    if (batch.length === 0 && !range) return;
    const taken = batch.filter((m) => selects(this.handler.selects, m));
    let urgent = false;
    if (this.options.urgentLane !== false) {
      for (const m of taken) {
        if (this.handler.urgent?.(m)) {
          this.urgentDevices.set(deviceKey(m), m.seq);
          urgent = true;
        }
      }
    }
    const upTo = range?.upTo ?? (batch[batch.length - 1] as AcceptedMessage).seq;
    if (this.queued + taken.length > this.options.maxQueued) {
      // Every queued batch is committed, so a catch-up read started after this point sees them;
      // one already under way (or read ahead) may not, so it counts as a poke: read again.
      this.queue = [];
      this.queued = 0;
      this.catchUp = true;
      this.pokes++;
    } else {
      this.queue.push({ messages: taken, upTo, from: range?.from });
      this.queued += taken.length;
    }
    if (this.started) {
      if (urgent) this.runLane();
      this.kick();
    }
  }

  /**
   * In a cluster: another server stored a message this handler calls urgent (its commit notice
   * says so), before this server has read that far. The lane reads the device's pending messages
   * from the database up to it and applies them ahead of the backlog; the backlog passes over them
   * when the reader brings them. Without it the alarm waited for the reader and the backlog in
   * front of it: 2–3.5 s after its PUBLISH during a 20,000-reading burst on three servers.
   */
  urgentStored(alarm: { siteId: string; deviceId: string; seq: number }): void {
    if (this.options.urgentLane === false || this.stopped) return;
    const key = deviceKey(alarm);
    if (alarm.seq <= Math.max(this.cursor.seq, this.appliedAhead.get(key) ?? 0)) return;
    this.urgentDevices.set(key, Math.max(this.urgentDevices.get(key) ?? 0, alarm.seq));
    this.fromDatabase.add(key);
    if (this.started) this.runLane();
  }

  /**
   * Something was committed that did not come through enqueue() (another server's commit, in a
   * cluster): read it from the database after the cursor.
   */
  poke(): void {
    this.pokes++;
    this.catchUp = true;
    if (this.started) this.kick();
  }

  /** Resolves when every queued message went to the handler and the cursor is written. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
    await this.exclusive; // an urgent lane still under way
    await this.saveCursor();
  }

  /** After idle(): no further reads or cursor writes (the database may close next). */
  stop(): void {
    this.stopped = true;
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.cursorTimer = undefined;
  }

  stats(): HandlerStats {
    const head = this.queue.find((q) => q.messages.length > 0)?.messages[0];
    const oldest = this.catchUp ? this.catchUpHeadAt : head?.receivedAt;
    return {
      name: this.handler.name,
      appliedSeq: this.cursor.seq,
      applied: this.cursor.applied,
      pending: this.queued,
      busy: this.running !== undefined,
      catchingUp: this.catchUp,
      oldestPendingAt: oldest && (this.queued > 0 || this.catchUp) ? oldest.toISOString() : undefined,
      ...this.counters,
      lastError: this.lastError,
    };
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.drain()
      .catch(async (error: unknown) => {
        // The database is away: start over from the cursor after a pause; nothing is skipped.
        this.lastError = String(error);
        this.logger.error(`handler ${this.handler.name} paused: ${String(error)}`);
        this.catchUp = true;
        this.ahead = undefined;
        this.appliedAhead.clear();
        await new Promise((r) => setTimeout(r, this.options.pauseMs));
      })
      .finally(() => {
        this.running = undefined;
        // A batch that arrived while the last step was finishing.
        if (!this.stopped && (this.catchUp || this.queue.length > 0)) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (this.catchUp || this.queue.length > 0)) {
      await this.serially(() => (this.catchUp ? this.catchUpPage() : this.nextQueued()));
      if (this.now() - this.savedAt >= this.options.cursorEveryMs) this.saveCursorBehind();
    }
    this.scheduleCursorSave();
  }

  /**
   * The cursor written beside the next batch, not before it: a write is a round trip and a commit
   * of its own, which the handler used to wait for every cursorEveryMs (issue 9.7: 1,023 writes in
   * a replayed day, ~45 ms each on a loaded machine). One write at a time; a failed one is retried
   * with the next (a database that is away fails the next batch too, and the pipeline pauses).
   */
  private saveCursorBehind(): void {
    if (this.cursorWrite || this.stopped) return;
    this.savedAt = this.now();
    void this.saveCursor().catch((error: unknown) => this.logger.warn(`handler ${this.handler.name}: cursor not saved (${String(error)}); retried with the next batch`));
  }

  private async catchUpPage(): Promise<void> {
    const ahead = this.ahead?.after === this.cursor.seq ? this.ahead : undefined;
    this.ahead = undefined;
    const pokes = ahead?.pokes ?? this.pokes;
    const { messages: page, head } = await (ahead?.page ?? this.readPage(this.cursor.seq));
    this.catchUpHeadAt = page[0]?.receivedAt;
    const whole = page.length < this.options.maxBatch;
    if (whole && pokes === this.pokes) this.catchUp = false;
    const last = page.length > 0 ? (page[page.length - 1] as AcceptedMessage).seq : 0;
    const upTo = whole ? Math.max(last, head) : last;
    if (page.length === 0) {
      if (upTo > this.cursor.seq) this.cursor = { ...this.cursor, seq: upTo };
      return;
    }
    // More waits (a cluster's handler reads everything it applies): the next page is read while
    // this one is applied, so the handler does not wait for a round trip and a page of rows.
    if (!whole && !this.stopped) this.readAhead(last);
    await this.applyInOrder(page, upTo);
  }

  /**
   * The highest seq stored and the page after seq, in that order: a short page then holds every
   * message of this handler's kinds up to head, so the cursor moves past the others' messages too
   * (in a cluster, where no live batch moves it, a handler of a rare kind would otherwise read
   * from far back each time).
   */
  private async readPage(after: number): Promise<Page> {
    if (this.repo.pageAfter) return this.repo.pageAfter(after, this.options.maxBatch, this.handler.selects);
    const head = (await this.repo.headSeq?.()) ?? 0;
    return { head, messages: await this.repo.messagesAfter(after, this.options.maxBatch, this.handler.selects) };
  }

  private readAhead(after: number): void {
    const page = this.readPage(after);
    page.catch(() => undefined); // a failed read is thrown where it is used, or dropped with a pause
    this.ahead = { after, pokes: this.pokes, page };
  }

  private async nextQueued(): Promise<void> {
    this.applyingQueued = true;
    try {
      await this.applyQueued();
    } finally {
      this.applyingQueued = false;
    }
  }

  private async applyQueued(): Promise<void> {
    const head = this.queue[0] as Queued;
    if (head.from !== undefined && head.from > this.cursor.seq) {
      // Messages before this segment were handed over before this pipeline ran (it started since):
      // read them from the database; the segment stays queued for after.
      this.catchUp = true;
      return;
    }
    const taken = head.messages.splice(0, this.options.maxBatch);
    this.queued -= taken.length;
    const whole = head.messages.length === 0;
    let upTo = whole ? head.upTo : (taken[taken.length - 1] as AcceptedMessage).seq;
    if (whole) this.queue.shift();
    // A cluster's segments that follow on without a gap are one batch, filled up to maxBatch: a
    // loaded server hands over many small ones (each own commit, each read), and a batch per
    // segment cost the handler a statement or more each (the equipment pipeline fell minutes
    // behind). A segment that does not fit is split, the rest left queued from the batch's last
    // seq: stopping at the segment's edge left the patrol handler of a 3-server bench one batch
    // in six part-full (77-377 taps instead of 500), each a transaction of its own.
    while (whole && head.from !== undefined && this.queue.length > 0 && taken.length < this.options.maxBatch) {
      const next = this.queue[0] as Queued;
      if (next.from !== upTo) break;
      const room = this.options.maxBatch - taken.length;
      if (next.messages.length <= room) {
        this.queue.shift();
        this.queued -= next.messages.length;
        taken.push(...next.messages);
        upTo = Math.max(upTo, next.upTo);
        continue;
      }
      const part = next.messages.splice(0, room);
      this.queued -= part.length;
      taken.push(...part);
      upTo = (part[part.length - 1] as AcceptedMessage).seq;
      next.from = upTo;
    }
    // A message at or below the cursor was already applied by a catch-up read that overlapped it.
    const fresh = taken.filter((m) => m.seq > this.cursor.seq);
    await this.applyInOrder(fresh, upTo);
  }

  /** Applies a run of messages (skipping what the urgent lane already applied) and moves the cursor to upTo. */
  private async applyInOrder(messages: readonly AcceptedMessage[], upTo: number): Promise<void> {
    const todo = messages.filter((m) => !(m.seq <= (this.appliedAhead.get(deviceKey(m)) ?? 0)));
    if (todo.length > 0) await this.applyWithRetry(todo);
    this.cursor = { seq: Math.max(this.cursor.seq, upTo), applied: this.cursor.applied + messages.length };
    for (const [key, seq] of this.appliedAhead) if (seq <= this.cursor.seq) this.appliedAhead.delete(key);
  }

  /** Runs work after every handler call asked for before it; the next waits for it. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    this.waiting++;
    const run = this.exclusive.then(() => {
      this.waiting--;
      return work();
    });
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  /**
   * Asks for the handler at once, before the backlog's next batch does (enqueue calls this before
   * kick), so the lane is the next handler call. A lane's database error leaves the messages to the backlog.
   */
  private runLane(): void {
    const failed = (error: unknown) =>
      this.logger.warn(`handler ${this.handler.name}: urgent lane failed (${String(error)}); the backlog applies those messages in turn`);
    // A handler whose devices are independent takes the lane beside the handler call under way
    // when that call holds none of the lane's devices (nor does another lane): the alarm then
    // waits for no other device's batch. The backlog's next call still waits for the lane.
    const free = this.mayRunBeside() ? [...this.urgentDevices.keys()].filter((key) => !this.inHandler.has(key) && !this.inLane.has(key)) : [];
    if (free.length > 0) {
      const lane = this.runUrgentLane(free);
      const tail = this.exclusive;
      this.exclusive = Promise.allSettled([tail, lane]);
      void lane.catch(failed);
    }
    if (this.urgentDevices.size > 0) void this.serially(() => this.runUrgentLane()).catch(failed);
  }

  /**
   * Only beside a queued batch that has taken its messages (a catch-up read may still pick up the
   * lane's device) and with no call waiting to start (it would take its messages while the lane runs).
   */
  private mayRunBeside(): boolean {
    return this.handler.independentDevices === true && !this.catchUp && this.waiting === 0 && (this.applyingQueued || this.running === undefined);
  }

  /** Applies, for each device with an urgent message (those given, or all), every pending message of it up to that one. */
  private async runUrgentLane(only?: readonly string[]): Promise<void> {
    if (this.stopped) return;
    const devices: [string, number][] = [];
    for (const key of only ?? [...this.urgentDevices.keys()]) {
      const seq = this.urgentDevices.get(key);
      if (seq === undefined) continue;
      this.urgentDevices.delete(key);
      this.inLane.add(key);
      devices.push([key, seq]);
    }
    try {
      for (const [key, urgentSeq] of devices) {
        const remote = this.fromDatabase.delete(key);
        const from = Math.max(this.cursor.seq, this.appliedAhead.get(key) ?? 0);
        if (urgentSeq <= from) continue;
        const lane = this.catchUp || remote ? await this.pendingInDatabase(key, from, urgentSeq) : this.pendingInQueue(key, from, urgentSeq);
        if (lane.length === 0) continue;
        if (pathTrace.enabled) for (const m of lane) pathTrace.mark(m, 'laneStarted');
        await this.applyWithRetry(lane);
        this.counters.urgent += lane.length;
        this.appliedAhead.set(key, urgentSeq);
      }
    } finally {
      for (const [key] of devices) this.inLane.delete(key);
    }
  }

  private pendingInQueue(key: string, after: number, upTo: number): AcceptedMessage[] {
    const out: AcceptedMessage[] = [];
    for (const q of this.queue) {
      for (const m of q.messages) if (m.seq > after && m.seq <= upTo && deviceKey(m) === key) out.push(m);
    }
    return out;
  }

  private async pendingInDatabase(key: string, after: number, upTo: number): Promise<AcceptedMessage[]> {
    const [siteId, deviceId] = key.split('\u0000') as [string, string];
    return this.repo.deviceMessagesBetween(siteId, deviceId, after, upTo, this.handler.selects);
  }

  /**
   * A failing batch is retried with a growing pause, then message by message; a message that
   * fails every attempt is recorded in handler_failures (and on /api/health) and passed. If even
   * that record cannot be written (database away), the error goes up and the pipeline pauses.
   */
  private async applyWithRetry(batch: readonly AcceptedMessage[]): Promise<void> {
    const keys = new Set(batch.map(deviceKey));
    for (const key of keys) this.inHandler.set(key, (this.inHandler.get(key) ?? 0) + 1);
    try {
      if (await this.attempt(batch)) return;
      if (batch.length === 1) return await this.recordFailure(batch[0] as AcceptedMessage);
      for (const m of batch) {
        if (!(await this.attempt([m]))) await this.recordFailure(m);
      }
    } finally {
      for (const key of keys) {
        const n = (this.inHandler.get(key) ?? 1) - 1;
        if (n > 0) this.inHandler.set(key, n);
        else this.inHandler.delete(key);
      }
    }
  }

  private async attempt(batch: readonly AcceptedMessage[]): Promise<boolean> {
    for (let i = 0; i < this.options.attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, this.options.retryMs * 2 ** (i - 1)));
      try {
        await this.handler.applyBatch(batch);
        return true;
      } catch (error) {
        this.counters.errors++;
        this.lastError = String(error);
        const first = batch[0] as AcceptedMessage;
        this.logger.error(`handler ${this.handler.name} failed (attempt ${i + 1}/${this.options.attempts}) on ${batch.length} message(s) from seq ${first.seq} (${first.siteId}/${first.deviceId}/${first.stream}): ${String(error)}`);
      }
    }
    return false;
  }

  private async recordFailure(m: AcceptedMessage): Promise<void> {
    await this.repo.recordHandlerFailure(this.handler.name, m, this.lastError ?? 'unknown error', this.options.attempts);
    this.counters.failed++;
    this.logger.error(`handler ${this.handler.name} gave up on seq ${m.seq} (${m.siteId}/${m.deviceId}/${m.stream}); recorded in handler_failures`);
  }

  /** A trailing write, so a quiet pipeline still records how far it got. */
  private scheduleCursorSave(): void {
    if (this.cursorTimer || this.stopped || this.saved.seq === this.cursor.seq) return;
    this.cursorTimer = setTimeout(() => {
      this.cursorTimer = undefined;
      if (!this.running) void this.saveCursor().catch((error: unknown) => this.logger.warn(`handler ${this.handler.name}: cursor not saved (${String(error)}); retried with the next batch`));
    }, this.options.cursorEveryMs);
    this.cursorTimer.unref();
  }

  /** Writes the cursor if it moved, after the write under way (if any). */
  private async saveCursor(): Promise<void> {
    while (this.cursorWrite) await this.cursorWrite.catch(() => undefined);
    if (this.saved.seq === this.cursor.seq) return;
    const at = { ...this.cursor };
    this.cursorWrite = this.repo.saveHandlerCursor(this.cursorName, at);
    try {
      await this.cursorWrite;
    } finally {
      this.cursorWrite = undefined;
    }
    this.saved = at;
    this.savedAt = this.now();
  }
}
