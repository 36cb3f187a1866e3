// Group commit: while one commit is in flight, arrivals queue; the next commit takes everything
// queued (up to maxBatch). One transaction then carries hundreds of messages instead of one,
// which is what keeps ingest in the tens of thousands of messages/s on a single connection.

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class GroupCommit<T, R> {
  private queue: Waiting<T, R>[] = [];
  private inFlight: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    /** Commits a batch; returns one result per item, in order. Throwing fails every item of the batch. */
    private readonly commit: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
  ) {}

  /** Resolves once the item's batch has committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Resolves when nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.inFlight || this.queue.length > 0 || this.scheduled) {
      await (this.inFlight ?? new Promise((r) => setImmediate(r)));
    }
  }

  private schedule(): void {
    if (this.inFlight || this.scheduled) return;
    // A broker hands over every PUBLISH of one socket read synchronously: wait for the end of
    // this tick so they share the first commit instead of the first going alone.
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.next();
    });
  }

  private next(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.inFlight = this.commit(batch.map((w) => w.item)).then(
      (results) => batch.forEach((w, i) => w.resolve(results[i] as R)),
      (error: unknown) => batch.forEach((w) => w.reject(error)),
    );
    void this.inFlight.finally(() => {
      this.inFlight = undefined;
      this.next();
    });
  }
}
