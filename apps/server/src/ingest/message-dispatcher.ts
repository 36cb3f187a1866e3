// Step 3 of the path of one message: every committed batch goes to each handler's pipeline
// (handler-pipeline.ts), which keeps what its handler takes. Pipelines run side by side: one
// handler's backlog or failure never delays another's messages.
import { Logger } from '@nestjs/common';
import { selects, type AcceptedMessage, type MessageHandler } from './accepted-message';
import { ClusterReader, type ReaderRepo } from './cluster-reader';
import { DEFAULT_PIPELINE_OPTIONS, HandlerPipeline, type HandlerStats, type PipelineOptions } from './handler-pipeline';

type DispatcherRepo = ConstructorParameters<typeof HandlerPipeline>[3] & Partial<ReaderRepo>;

/** A message a handler called urgent, as stored (its seq), for the servers that did not store it. */
export interface UrgentStored {
  siteId: string;
  deviceId: string;
  kind: AcceptedMessage['kind'];
  stream: AcceptedMessage['stream'];
  seq: number;
}

/** What a commit notice says of one or more commits: the `kind/stream` pairs stored, and the alarms. */
export interface CommitNotice {
  pairs: ReadonlySet<string>;
  alarms: readonly UrgentStored[];
}

export class MessageDispatcher {
  /** The pipelines running here: all of them, or in a cluster those whose lease this server holds. */
  private readonly pipelines: HandlerPipeline[] = [];
  private readonly registered: MessageHandler[] = [];
  private started = false;
  /**
   * Several servers (cluster/): a pipeline runs only where own() put it, and receives every
   * committed message, whichever server committed it, through the reader: this server's own
   * commits from memory, the others' read once for all pipelines here (cluster-reader.ts).
   */
  private reader: ClusterReader | undefined;

  constructor(
    private readonly repo: DispatcherRepo,
    /** Prefix of the handlers' rows in ingest_cursor (and the v6 single cursor's name). */
    private readonly consumer: string,
    private readonly options: Partial<PipelineOptions> = {},
    private readonly logger: Pick<Logger, 'error' | 'warn'> = new Logger('Ingest'),
  ) {}

  register(handler: MessageHandler): void {
    if (this.started) throw new Error(`handler ${handler.name} registered after start: it would miss the replay of stored messages`);
    if (this.registered.some((h) => h.name === handler.name)) throw new Error(`two message handlers are named ${handler.name}`);
    this.registered.push(handler);
    if (!this.reader) this.pipelines.push(this.pipelineOf(handler));
  }

  get handlers(): readonly MessageHandler[] {
    return this.registered;
  }

  /** Before start(): pipelines run only where own() puts them (cluster/cluster.service.ts). */
  cluster(): void {
    if (this.started) throw new Error('the cluster must be joined before ingest starts');
    const repo = this.repo;
    if (!repo.headSeq || !repo.pageAfterExcept) throw new Error('a cluster needs a repository that reads after a seq (headSeq, pageAfterExcept)');
    const reads: ReaderRepo = { headSeq: () => repo.headSeq!(), pageAfterExcept: (...args) => repo.pageAfterExcept!(...args) };
    this.reader = new ClusterReader(
      reads,
      () => this.pipelines.map((p) => p.handler.selects),
      (segment) => {
        for (const p of this.pipelines) p.enqueue(segment.messages, segment);
      },
      this.logger,
    );
    this.pipelines.splice(0);
  }

  /** This server now holds the handler's lease: a fresh pipeline resumes from its durable cursor. */
  async own(name: string): Promise<void> {
    const handler = this.registered.find((h) => h.name === name);
    if (!handler || this.pipelines.some((p) => p.name === name)) return;
    const pipeline = this.pipelineOf(handler);
    this.pipelines.push(pipeline);
    await pipeline.start();
  }

  /** Stops the handler's pipeline here after its batch under way, and writes its cursor. */
  async disown(name: string): Promise<void> {
    const i = this.pipelines.findIndex((p) => p.name === name);
    if (i < 0) return;
    const [pipeline] = this.pipelines.splice(i, 1) as [HandlerPipeline];
    if (this.pipelines.length === 0) this.reader?.reset();
    pipeline.stop();
    await pipeline.idle();
  }

  /**
   * Another server committed (or the poll): the pipelines here hear of it after one read. What
   * the notice says of it, when it says: the pairs it stored (ClusterReader.foreign), and its
   * alarms, which the pipelines that take them apply now, ahead of the read and of their backlog
   * (HandlerPipeline.urgentStored).
   */
  poke(commit?: CommitNotice): void {
    for (const alarm of commit?.alarms ?? []) {
      for (const p of this.pipelines) if (selects(p.handler.selects, alarm)) p.urgentStored(alarm);
    }
    if (this.reader) this.reader.foreign(commit?.pairs);
    else for (const p of this.pipelines) p.poke();
  }

  private pipelineOf(handler: MessageHandler): HandlerPipeline {
    const options = { ...DEFAULT_PIPELINE_OPTIONS, ...this.options };
    return new HandlerPipeline(handler, `${this.consumer}:${handler.name}`, this.consumer, this.repo, this.logger, options);
  }

  /** Replays everything after each handler's cursor, then follows live batches. */
  async start(): Promise<void> {
    this.started = true;
    await Promise.all(this.pipelines.map((p) => p.start()));
  }

  /** A batch committed here, in seq order: to the pipelines, and to every handler's committedHere. */
  enqueue(batch: readonly AcceptedMessage[]): void {
    if (this.reader) this.reader.committed(batch);
    else for (const p of this.pipelines) p.enqueue(batch);
    if (batch.length === 0) return;
    for (const h of this.registered) {
      try {
        h.committedHere?.(batch);
      } catch (error) {
        this.logger.warn(`${h.name}: committedHere failed: ${String(error)}`);
      }
    }
  }

  /** Resolves when every queued message went to every handler and the cursors are written. */
  async idle(): Promise<void> {
    await this.reader?.idle();
    await Promise.all(this.pipelines.map((p) => p.idle()));
  }

  stop(): void {
    this.reader?.stop();
    for (const p of this.pipelines) p.stop();
  }

  /** In a cluster: what this server read of the others' commits (reads, rows). */
  readBack(): { reads: number; rows: number } | undefined {
    return this.reader?.stats();
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
