// Backpressure from ingest to the device sockets. aedes parses everything a connection has
// buffered and each QoS 1 PUBLISH then waits in ingest's commit queue for its PUBACK: when
// devices send faster than the server commits, what waits in memory had no bound (10,000
// devices: ~410,000 parsed packets and 270 MiB of buffers, 1.3 GiB RSS, issue 9.5). While the
// commit queue is long the gate is closed and a socket that delivers data is not read again
// until it opens: the device's next packets wait in TCP, as with any broker that stops reading.
//
// A socket is paused only when its own data arrives while the gate is closed (never all at
// once), so every connection still gets its read in turn; what is in memory past the queue's
// high mark is at most one read per connection.
//
// Keepalive: aedes closes a connection that sent nothing for 1.5 × its keepalive, and a paused
// socket's PINGREQ is not read. So a closed gate opens again after `maxPauseMs` even if the
// queue has not drained, for one more read of every waiting connection. That read carries all
// the device sent meanwhile, so reopening often would read at the devices' pace whatever the
// commits' (the first version reopened after 2 s: 10,000 devices on PGlite grew the queue, and
// the heap, by ~3 MB/s). 20 s is below 1.5 × a 15 s keepalive (MQTT.js's default is 60 s, the
// fleet bench's 120 s); a new connection's CONNECT is always read (it has delivered nothing
// before), so aedes' 10 s wait for it is not at risk.

/** How long the commit queue is, and a way to hear that it got shorter (ingest.service.ts). */
export interface IngestBacklog {
  readonly backlog: number;
  backlogBelow(below: number): Promise<void>;
}

export interface ReadGateOptions {
  /** Queued messages at which reading stops. */
  high: number;
  /** Queued messages below which reading starts again. */
  low: number;
  /** Longest a connection waits for its next read, whatever the queue. */
  maxPauseMs: number;
}

/**
 * 2000 is ingest's batch: reading stops at five batches queued (the 9.2 mix keeps fewer than that
 * waiting, so it never meets the gate) and starts again at two, enough for the next commits to be
 * full while the devices' next packets arrive.
 */
export const DEFAULT_READ_GATE: ReadGateOptions = { high: 10_000, low: 4_000, maxPauseMs: 20_000 };

export class ReadGate {
  private closedBy: number | undefined;
  /** Bumped on every close: a wake-up from an earlier close is not this one's. */
  private generation = 0;
  private waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** How many times reading stopped (for tests and the bench). */
  pauses = 0;

  constructor(
    private readonly backlog: IngestBacklog,
    private readonly options: ReadGateOptions = DEFAULT_READ_GATE,
  ) {}

  /** Whether a connection that just delivered data must wait before its next read. Closes the gate when the queue is long. */
  get closed(): boolean {
    if (this.closedBy !== undefined) return true;
    if (this.backlog.backlog < this.options.high) return false;
    this.close();
    return true;
  }

  /** Calls `resume` once the gate opens. */
  hold(resume: () => void): void {
    this.waiting.push(resume);
  }

  /** Opens the gate and stops its timer (broker stopping). */
  stop(): void {
    this.open(this.generation);
  }

  private close(): void {
    const generation = ++this.generation;
    this.closedBy = generation;
    this.pauses++;
    this.timer = setTimeout(() => this.open(generation), this.options.maxPauseMs);
    void this.backlog.backlogBelow(this.options.low).then(() => this.open(generation));
  }

  private open(generation: number): void {
    if (this.closedBy !== generation) return;
    this.closedBy = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resume of waiting) resume();
  }
}
