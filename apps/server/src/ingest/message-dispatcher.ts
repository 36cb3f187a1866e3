// Step 3 of the path of one message: hand stored messages to the domain handlers in seq order,
// after their commit, and move the durable cursor once every handler has run.
//
// Live batches arrive in memory from the committer. Start-up, and any time the in-memory queue
// overflows (handlers slower than ingest), read from the database instead ("catch-up"): the
// rows are there, so nothing is lost by dropping the queue, and memory stays bounded.
//
// Several server instances sharing one database: each instance dispatches what it committed,
// and the cursor row is this consumer's alone. Concurrent writers draw bigserial values in one
// order but may commit in another, so a reader of "seq > cursor" can pass over a row whose
// lower seq commits a moment later. Within one process commits are serial (GroupCommit), so
// this cannot happen here; a shared-dispatch design must either run one dispatcher (advisory
// lock leader) or only read below the oldest in-flight transaction (pg_snapshot_xmin).
import { Logger } from '@nestjs/common';
import type { AcceptedMessage, MessageHandler } from './accepted-message';
import type { IngestRepository } from './ingest.repository';

const PAGE = 1000;
const RETRY_MS = 1000;
/**
 * The cursor is written at most this often while messages keep coming, and always when the
 * dispatcher goes idle: one write per batch would cost as much as the batch on PGlite. After a
 * crash, handlers may see up to this much again (they are idempotent on seq / message id).
 */
const CURSOR_EVERY_MS = 250;

export class MessageDispatcher {
  private readonly handlers: MessageHandler[] = [];
  private queue: AcceptedMessage[][] = [];
  private queued = 0;
  private lastSeq = 0;
  private savedSeq = 0;
  private savedAt = 0;
  private catchUp = true;
  private started = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private cursorTimer: NodeJS.Timeout | undefined;
  handlerErrors = 0;
  /** Messages handed to the handlers since construction. */
  dispatched = 0;

  constructor(
    private readonly repo: Pick<IngestRepository, 'cursor' | 'saveCursor' | 'messagesAfter'>,
    private readonly consumer: string,
    /** Messages held in memory before falling back to reading from the database. */
    private readonly maxQueued = 50_000,
    private readonly logger: Pick<Logger, 'error'> = new Logger('Ingest'),
  ) {}

  register(handler: MessageHandler): void {
    this.handlers.push(handler);
  }

  get dispatchedSeq(): number {
    return this.lastSeq;
  }

  /** Replays everything after the durable cursor, then follows live batches. */
  async start(): Promise<void> {
    if (this.started) return;
    this.lastSeq = await this.repo.cursor(this.consumer);
    this.savedSeq = this.lastSeq;
    this.started = true;
    this.catchUp = true;
    this.kick();
    await this.idle();
  }

  /** A committed batch, in seq order. */
  enqueue(batch: AcceptedMessage[]): void {
    if (batch.length === 0) return;
    if (this.queued + batch.length > this.maxQueued) {
      // Every queued batch is committed, so a catch-up read started after this point sees them.
      this.queue = [];
      this.queued = 0;
      this.catchUp = true;
    } else {
      this.queue.push(batch);
      this.queued += batch.length;
    }
    if (this.started) this.kick();
  }

  /** Resolves when every queued message went to the handlers and the cursor is written. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
    await this.saveCursor();
  }

  /** After idle(): no further reads or cursor writes (the database may close next). */
  stop(): void {
    this.stopped = true;
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.cursorTimer = undefined;
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.drain()
      .catch(async (error: unknown) => {
        // The database is away: start over from the last message handed on, after a pause.
        this.logger.error(`dispatch to handlers paused: ${String(error)}`);
        this.catchUp = true;
        await new Promise((r) => setTimeout(r, RETRY_MS));
      })
      .finally(() => {
        this.running = undefined;
        // A batch that arrived while the last step was finishing.
        if (this.catchUp || this.queue.length > 0) this.kick();
      });
  }

  private async drain(): Promise<void> {
    await this.drainQueue();
    if (Date.now() - this.savedAt >= CURSOR_EVERY_MS) await this.saveCursor();
    else this.scheduleCursorSave();
  }

  /** A trailing write, so a quiet dispatcher still records how far it got. */
  private scheduleCursorSave(): void {
    if (this.cursorTimer || this.stopped) return;
    this.cursorTimer = setTimeout(() => {
      this.cursorTimer = undefined;
      if (!this.running) this.kick();
    }, CURSOR_EVERY_MS);
    this.cursorTimer.unref();
  }

  private async drainQueue(): Promise<void> {
    while (this.catchUp || this.queue.length > 0) {
      if (this.catchUp) {
        const page = await this.repo.messagesAfter(this.lastSeq, PAGE);
        if (page.length < PAGE) this.catchUp = false;
        await this.dispatch(page);
      } else {
        const batch = this.queue.shift() as AcceptedMessage[];
        this.queued -= batch.length;
        // Already dispatched by a catch-up read that overlapped it.
        await this.dispatch(batch.filter((m) => m.seq > this.lastSeq));
      }
    }
  }

  private async dispatch(messages: AcceptedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    for (const message of messages) {
      for (const handler of this.handlers) {
        try {
          await handler.handle(message);
        } catch (error) {
          // A handler's bug must not stop ingestion: log it, skip this message for this handler.
          this.handlerErrors++;
          this.logger.error(`handler ${handler.name} failed on seq ${message.seq} (${message.siteId}/${message.deviceId}/${message.stream}): ${String(error)}`);
        }
      }
      this.lastSeq = message.seq;
      this.dispatched++;
    }
    if (Date.now() - this.savedAt >= CURSOR_EVERY_MS) await this.saveCursor();
  }

  private async saveCursor(): Promise<void> {
    if (this.savedSeq === this.lastSeq) return;
    const seq = this.lastSeq;
    await this.repo.saveCursor(this.consumer, seq);
    this.savedSeq = seq;
    this.savedAt = Date.now();
  }
}
