// INFLUX_URL: accepted readings also go to InfluxDB 1.x, off the ingest path. A MessageHandler
// (called after each commit) that only appends to a bounded buffer and returns; a timer writes
// batches, one request at a time. A slow or absent InfluxDB therefore never blocks or fails
// ingestion: the batch is retried with backoff, and when the buffer is full new readings are
// dropped and counted (PostgreSQL's `telemetry` table still has them).
import { Logger } from '@nestjs/common';
import type { AcceptedMessage } from '../ingest/accepted-message';
import type { InfluxPoint, InfluxWriter } from './influx-writer';
import { telemetryValues } from './telemetry-points';

export interface InfluxSinkOptions {
  /** Points held while InfluxDB is slow or away (beyond the batch being written). */
  maxBuffered?: number;
  /** Points per write request. */
  batchSize?: number;
  /** How often a partial batch is written. */
  flushEveryMs?: number;
  /** Backoff after a failed write: first delay, doubled per failure up to the max. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

export interface InfluxSinkStats {
  buffered: number;
  written: number;
  dropped: number;
  failures: number;
}

type Log = Pick<Logger, 'log' | 'warn'>;

export class InfluxSink {
  readonly name = 'influx';
  private buffer: InfluxPoint[] = [];
  /** The batch being written or waiting for its retry; it keeps its place ahead of the buffer. */
  private batch: InfluxPoint[] = [];
  private readonly counters = { written: 0, dropped: 0, failures: 0 };
  private consecutiveFailures = 0;
  private databaseReady = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private stopped = false;
  private lastDropLogAt = -Infinity;
  private readonly maxBuffered: number;
  private readonly batchSize: number;
  private readonly flushEveryMs: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly writer: InfluxWriter,
    options: InfluxSinkOptions = {},
    private readonly logger: Log = new Logger('InfluxSink'),
    private readonly now: () => number = Date.now,
  ) {
    this.maxBuffered = options.maxBuffered ?? 100_000;
    this.batchSize = options.batchSize ?? 5_000;
    this.flushEveryMs = options.flushEveryMs ?? 1_000;
    this.retryMinMs = options.retryMinMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
  }

  /** Called by the ingest dispatcher per stored message: O(1), never waits on InfluxDB. */
  async handle(message: AcceptedMessage): Promise<void> {
    if (this.stopped || !message.observedAt) return;
    const values = telemetryValues(message.kind, message.stream, message.payload);
    if (values.length === 0) return;
    if (this.buffer.length >= this.maxBuffered) {
      this.counters.dropped++;
      // One line per 10 s at most while dropping: a long outage must not flood the log.
      if (this.now() - this.lastDropLogAt >= 10_000) {
        this.lastDropLogAt = this.now();
        this.logger.warn(`InfluxDB buffer full (${this.maxBuffered} points): dropping readings, ${this.counters.dropped} dropped so far (PostgreSQL still stores them)`);
      }
      return;
    }
    this.buffer.push({
      measurement: message.kind,
      tags: { site: message.siteId, device: message.deviceId },
      fields: Object.fromEntries(values.map((v) => [v.metric, v.value])),
      time: message.observedAt,
    });
    if (this.buffer.length === this.batchSize && !this.writing && this.consecutiveFailures === 0) this.schedule(0);
  }

  start(): void {
    this.stopped = false;
    this.schedule(this.flushEveryMs);
  }

  stats(): InfluxSinkStats {
    return { buffered: this.buffer.length + this.batch.length, ...this.counters };
  }

  /** Writes what is buffered, trying for at most `deadlineMs`; then no more timers. */
  async stop(deadlineMs = 3_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = this.now() + deadlineMs;
    while (this.buffer.length + this.batch.length > 0 && this.now() < deadline) {
      if (this.writing) await this.writing;
      else if (!(await this.writeOnce())) break;
    }
    if (this.writing) await this.writing;
    const left = this.buffer.length + this.batch.length;
    if (left > 0) this.logger.warn(`stopping with ${left} points not written to InfluxDB`);
  }

  /** Resolves when everything buffered so far is written (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.buffer.length + this.batch.length > 0) {
      if (this.writing) await this.writing;
      else if (!(await this.writeOnce())) throw new Error('InfluxDB write failed');
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.writing) {
      await this.writing;
    } else if (this.buffer.length + this.batch.length > 0) {
      // Full batches back to back; a partial one waits for the next tick to fill.
      let ok = await this.writeOnce();
      while (ok && !this.stopped && this.buffer.length >= this.batchSize) ok = await this.writeOnce();
    }
    if (this.consecutiveFailures > 0) {
      this.schedule(Math.min(this.retryMaxMs, this.retryMinMs * 2 ** (this.consecutiveFailures - 1)));
    } else {
      this.schedule(this.flushEveryMs);
    }
  }

  /** One request; true when it succeeded. */
  private async writeOnce(): Promise<boolean> {
    if (this.batch.length === 0) this.batch = this.buffer.splice(0, this.batchSize);
    let resolveWriting!: () => void;
    this.writing = new Promise((r) => (resolveWriting = r));
    try {
      if (!this.databaseReady) {
        await this.writer.ensureDatabase();
        this.databaseReady = true;
      }
      await this.writer.write(this.batch);
      this.counters.written += this.batch.length;
      this.batch = [];
      if (this.consecutiveFailures > 0) this.logger.log(`InfluxDB writes resumed after ${this.consecutiveFailures} failed attempts`);
      this.consecutiveFailures = 0;
      return true;
    } catch (error) {
      this.counters.failures++;
      this.consecutiveFailures++;
      // First failure, then every 10th: enough to see an outage without a line per retry.
      if (this.consecutiveFailures === 1 || this.consecutiveFailures % 10 === 0) {
        this.logger.warn(`InfluxDB write of ${this.batch.length} points failed (attempt ${this.consecutiveFailures}; retrying with backoff): ${String(error)}`);
      }
      return false;
    } finally {
      this.writing = undefined;
      resolveWriting();
    }
  }
}
