// Wires the InfluxDB sink when INFLUX_URL is set: registers it with ingest before the replay of
// stored messages (onModuleInit), flushes what it holds at shutdown.
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ENV, type Env } from '../config/env';
import { IngestService } from '../ingest/ingest.service';
import { InfluxSink, type InfluxSinkStats } from './influx-sink';
import { influxWriter } from './influx-writer';

@Injectable()
export class InfluxSinkService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('InfluxSink');
  private sink: InfluxSink | undefined;

  constructor(
    @Inject(ENV) private readonly env: Env,
    private readonly ingest: IngestService,
  ) {}

  onModuleInit(): void {
    if (!this.env.influxUrl) return;
    const writer = influxWriter(this.env.influxUrl);
    this.sink = new InfluxSink(writer, {}, this.logger);
    this.ingest.register(this.sink);
    this.sink.start();
    const u = new URL(this.env.influxUrl);
    this.logger.log(`writing readings to InfluxDB at ${u.protocol}//${u.host}, database ${writer.database}`);
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
