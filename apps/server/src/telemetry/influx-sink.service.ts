// Wires the InfluxDB sink when INFLUX_URL is set: a handler of the message path (its pipeline
// replays stored messages after its cursor at start-up), flushed at shutdown. Without INFLUX_URL
// it takes no message.
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ENV, type Env } from '../config/env';
import type { AcceptedMessage, MessageHandler, MessageSelector } from '../ingest/accepted-message';
import { IngestHandler } from '../ingest/ingest-handler';
import { IngestService } from '../ingest/ingest.service';
import { InfluxSink, type InfluxSinkStats } from './influx-sink';
import { influxWriter } from './influx-writer';

@IngestHandler()
@Injectable()
export class InfluxSinkService implements MessageHandler, OnModuleInit, OnApplicationShutdown {
  readonly name = 'influx';
  readonly selects: MessageSelector;
  private readonly logger = new Logger('InfluxSink');
  private sink: InfluxSink | undefined;

  constructor(
    @Inject(ENV) private readonly env: Env,
    private readonly ingest: IngestService,
  ) {
    this.selects = env.influxUrl ? { streams: ['telemetry'] } : { kinds: [] };
  }

  onModuleInit(): void {
    if (!this.env.influxUrl) return;
    const writer = influxWriter(this.env.influxUrl);
    this.sink = new InfluxSink(writer, {}, this.logger);
    this.sink.start();
    const u = new URL(this.env.influxUrl);
    this.logger.log(`writing readings to InfluxDB at ${u.protocol}//${u.host}, database ${writer.database}`);
  }

  async applyBatch(batch: readonly AcceptedMessage[]): Promise<void> {
    if (!this.sink) return;
    for (const m of batch) await this.sink.handle(m);
  }

  /** undefined when INFLUX_URL is unset. */
  stats(): InfluxSinkStats | undefined {
    return this.sink?.stats();
  }

  /** Resolves when every reading handed over so far is in InfluxDB (tests). */
  async flush(): Promise<void> {
    await this.ingest.settled();
    await this.sink?.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sink?.stop();
  }
}
