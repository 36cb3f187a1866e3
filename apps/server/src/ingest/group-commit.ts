// Group commit: while one commit is in flight, arrivals queue; the next commit takes everything
// queued (up to maxBatch). One transaction then carries hundreds of messages instead of one,
// which is what keeps ingest in the tens of thousands of messages/s on a single connection.

interface Waiting<T, R> {
  item: T;
  /** Set for an item that may go ahead of the queue: the key of the sequence it must stay in order with. */
  ahead?: string;
  key?: string;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class GroupCommit<T, R> {
  private queue: Waiting<T, R>[] = [];
  private inFlight: Promise<void> | undefined;
  private scheduled = false;
  /** Ends a linger early: an urgent item does not wait for the batch to grow. */
  private endLinger: (() => void) | undefined;

  private lastBatchSize = 0;
  /** Callers waiting for the queue to be shorter than `below` (the broker's read gate). */
  private shorter: { below: number; resolve(): void }[] = [];

  constructor(
    /** Commits a batch; returns one result per item, in order. Throwing fails every item of the batch. */
    private readonly commit: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
    /**
     * Under load, wait `ms` for a batch smaller than `below` to grow before committing it, when
     * the previous batch had at least `after` items. A commit has a fixed cost (on PGlite about
     * that of a hundred rows), and right after one completes the devices have only just been
     * acknowledged, so the queue is briefly nearly empty. Devices sending one message at a time
     * (small previous batches) gain nothing from waiting, and a quiet system never waits.
     */
    private readonly linger: { ms: number; below: number; after: number } = { ms: 2, below: 256, after: 32 },
  ) {}

  /**
   * Resolves once the item's batch has committed. `order.key` names the sequence the item must
   * keep its place in (a device); with `order.urgent` it goes ahead of every queued item of
   * other keys, so an alarm is in the next commit however long the queue (issue 14). It never
   * passes an item of its own key.
   */
  submit(item: T, order: { key?: string; urgent?: boolean } = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiting: Waiting<T, R> = { item, resolve, reject, key: order.key, ahead: order.urgent ? order.key : undefined };
      this.queue.splice(this.placeOf(waiting), 0, waiting);
      if (order.urgent) this.hurry();
      else this.schedule();
    });
  }

  /**
   * An urgent item's commit starts now when none is in flight (or only a linger), not in the
   * check phase: the broker may be reading a backlog of packets in this same turn (hundreds of
   * milliseconds under load), and the alarm's commit then runs in PostgreSQL meanwhile instead
   * of after it (issue 9.4). Other arrivals of this turn go in the next commit.
   */
  private hurry(): void {
    if (this.endLinger) {
      this.endLinger();
      this.inFlight = undefined;
      this.endLinger = undefined;
    }
    if (this.inFlight) return;
    this.next();
  }

  /**
   * The back of the queue; for an urgent item, behind the urgent items already at the front and
   * behind the last queued item of its own key, whichever is later.
   */
  private placeOf(w: Waiting<T, R>): number {
    if (w.ahead === undefined) return this.queue.length;
    let place = 0;
    while (place < this.queue.length && (this.queue[place] as Waiting<T, R>).ahead !== undefined) place++;
    for (let i = this.queue.length - 1; i >= place; i--) {
      if ((this.queue[i] as Waiting<T, R>).key === w.key) return i + 1;
    }
    return place;
  }

  /** Index of the last urgent item queued; -1 when there is none. */
  private lastUrgent(): number {
    for (let i = this.queue.length - 1; i >= 0; i--) if ((this.queue[i] as Waiting<T, R>).ahead !== undefined) return i;
    return -1;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Resolves once fewer than `below` items are queued (now, if they already are). */
  pendingBelow(below: number): Promise<void> {
    if (this.queue.length < below) return Promise.resolve();
    return new Promise((resolve) => this.shorter.push({ below, resolve }));
  }

  /** The queue only shrinks when a batch is taken from it. */
  private wakeShorter(): void {
    if (this.shorter.length === 0) return;
    const length = this.queue.length;
    this.shorter = this.shorter.filter((w) => (length < w.below ? (w.resolve(), false) : true));
  }

  /** Resolves when nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.inFlight || this.queue.length > 0 || this.scheduled) {
      await (this.inFlight ?? new Promise((r) => setImmediate(r)));
    }
  }

  private schedule(): void {
    if (this.inFlight || this.scheduled) return;
    // setImmediate, not a microtask: Node runs microtasks after every single I/O callback, so a
    // microtask would start a commit after the first socket's messages while the others wait,
    // and on PGlite (which computes on this thread) the commit then holds them off. The check
    // phase comes after every ready socket was read, so one commit takes all of them.
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.next();
    });
  }

  private next(): void {
    if (this.inFlight || this.queue.length === 0) return;
    // With urgent items queued the batch ends after the last of them: an alarm's commit carries
    // no more than it must (the urgent items and the earlier items of their keys), and the rest
    // follows in the next commit.
    const urgentUpTo = this.lastUrgent() + 1;
    if (urgentUpTo === 0 && this.linger.ms > 0 && this.lastBatchSize >= this.linger.after && this.queue.length < this.linger.below) {
      this.lastBatchSize = 0; // linger once, then commit whatever has come
      this.inFlight = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.linger.ms);
        this.endLinger = () => (clearTimeout(timer), resolve());
      });
      const linger = this.inFlight;
      void linger.then(() => {
        if (this.inFlight !== linger) return; // ended by an urgent item, which started a commit
        this.inFlight = undefined;
        this.endLinger = undefined;
        this.schedule();
      });
      return;
    }
    const batch = this.queue.splice(0, Math.min(urgentUpTo || this.maxBatch, this.maxBatch));
    this.lastBatchSize = batch.length;
    this.wakeShorter();
    this.inFlight = this.commit(batch.map((w) => w.item)).then(
      (results) => batch.forEach((w, i) => w.resolve(results[i] as R)),
      (error: unknown) => batch.forEach((w) => w.reject(error)),
    );
    void this.inFlight.finally(() => {
      this.inFlight = undefined;
      this.schedule();
    });
  }
}
