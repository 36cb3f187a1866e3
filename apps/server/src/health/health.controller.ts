import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HandlerHealthDto, HealthDto } from '@estate-watch/contracts';
import { Public } from '../auth/auth.decorators';
import { ClusterService, type ClusterHealth } from '../cluster/cluster.service';
import { CLOCK, type Clock } from '../common/clock';
import { DATABASE, type Database } from '../db/database';
import { MQTT_TRANSPORT, type MqttTransport } from '../broker/mqtt-transport';
import { IngestRepository } from '../ingest/ingest.repository';
import { IngestService } from '../ingest/ingest.service';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(MQTT_TRANSPORT) private readonly mqtt: MqttTransport,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly ingest: IngestService,
    private readonly ingestRepo: IngestRepository,
    private readonly cluster: ClusterService,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness for load balancers and the dashboard banner: {status, mqtt, db}, and how far each message handler is behind' })
  async health(): Promise<HealthDto & { cluster?: ClusterHealth }> {
    const handlers = await this.handlers().catch(() => undefined);
    const db = handlers ? 'up' : 'down';
    const mqtt = this.mqtt.isUp() ? 'up' : 'down';
    const lagMs = Math.max(0, ...(handlers ?? []).map((h) => h.lagMs));
    // Several servers: `handlers` lists the pipelines running here; `cluster` says what else this server holds.
    const cluster = this.cluster.health();
    const claiming = cluster?.claiming ?? true;
    const status = db === 'up' && mqtt === 'up' && claiming ? 'ok' : 'degraded';
    return { status, mqtt, db, lagMs, handlers: handlers ?? [], ...(cluster && { cluster }) };
  }

  /**
   * Stored = applied + what is still after the handler's cursor in the database, counted only for
   * pipelines with work, all of them in one statement (the dashboard asks every 5 s, the path bench
   * every 20 ms).
   */
  private async handlers(): Promise<HandlerHealthDto[]> {
    const now = this.clock.now().getTime();
    const stats = this.ingest.handlerStats();
    const selectors = new Map(this.ingest.handlers.map((h) => [h.name, h.selects]));
    // An idle pipeline has applied everything stored: no count to make.
    const working = stats.filter((s) => s.busy || s.catchingUp || s.pending > 0);
    const [failed, counts] = await Promise.all([
      this.ingestRepo.countHandlerFailures(),
      this.ingestRepo.countAfterEach(working.map((s) => ({ after: s.appliedSeq, selector: selectors.get(s.name) }))),
    ]);
    const behindOf = new Map(working.map((s, i) => [s, counts[i] ?? 0]));
    return stats.map((s) => {
      const behind = behindOf.get(s) ?? 0;
      const lagMs = s.oldestPendingAt ? Math.max(0, now - Date.parse(s.oldestPendingAt)) : 0;
      return {
        name: s.name,
        stored: s.applied + behind,
        applied: s.applied,
        appliedSeq: s.appliedSeq,
        oldestPendingAt: s.oldestPendingAt,
        lagMs: behind > 0 ? lagMs : 0,
        errors: s.errors,
        failed: failed[s.name] ?? 0,
        urgent: s.urgent,
        lastError: s.lastError,
      };
    });
  }
}
