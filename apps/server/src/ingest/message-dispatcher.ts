// Step 3 of the path of one message: every committed batch goes to each handler's pipeline
// (handler-pipeline.ts), which keeps what its handler takes. Pipelines run side by side: one
// handler's backlog or failure never delays another's messages.
import { Logger } from '@nestjs/common';
import type { AcceptedMessage, MessageHandler } from './accepted-message';
import { DEFAULT_PIPELINE_OPTIONS, HandlerPipeline, type HandlerStats, type PipelineOptions } from './handler-pipeline';

type DispatcherRepo = ConstructorParameters<typeof HandlerPipeline>[3];

export class MessageDispatcher {
  private readonly pipelines: HandlerPipeline[] = [];
  private started = false;

  constructor(
    private readonly repo: DispatcherRepo,
    /** Prefix of the handlers' rows in ingest_cursor (and the v6 single cursor's name). */
    private readonly consumer: string,
    private readonly options: Partial<PipelineOptions> = {},
    private readonly logger: Pick<Logger, 'error' | 'warn'> = new Logger('Ingest'),
  ) {}

  register(handler: MessageHandler): void {
    if (this.started) throw new Error(`handler ${handler.name} registered after start: it would miss the replay of stored messages`);
    if (this.pipelines.some((p) => p.name === handler.name)) throw new Error(`two message handlers are named ${handler.name}`);
    this.pipelines.push(new HandlerPipeline(handler, `${this.consumer}:${handler.name}`, this.consumer, this.repo, this.logger, { ...DEFAULT_PIPELINE_OPTIONS, ...this.options }));
  }

  get handlers(): readonly MessageHandler[] {
    return this.pipelines.map((p) => p.handler);
  }

  /** Replays everything after each handler's cursor, then follows live batches. */
  async start(): Promise<void> {
    this.started = true;
    await Promise.all(this.pipelines.map((p) => p.start()));
  }

  /** A committed batch, in seq order. */
  enqueue(batch: readonly AcceptedMessage[]): void {
    for (const p of this.pipelines) p.enqueue(batch);
  }

  /** Resolves when every queued message went to every handler and the cursors are written. */
  async idle(): Promise<void> {
    await Promise.all(this.pipelines.map((p) => p.idle()));
  }

  stop(): void {
    for (const p of this.pipelines) p.stop();
  }

  stats(): HandlerStats[] {
    return this.pipelines.map((p) => p.stats());
  }

  /** Lowest seq every handler has applied up to. */
  get dispatchedSeq(): number {
    const seqs = this.pipelines.map((p) => p.stats().appliedSeq);
    return seqs.length === 0 ? 0 : Math.min(...seqs);
  }
}
