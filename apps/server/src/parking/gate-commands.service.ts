// POST /api/gates/{id}/open (CONTRACT §6): publish `cmd` at QoS 1, wait for the gate's `ack` with
// that id (it comes back through ingest, to handle() below), answer with it or a time-out.
// Every command is audited in gate_commands whatever happens.
//
// Several servers (cluster/): the ack may be ingested and recorded by another server. The
// caller's server then also looks at the command's audit row every `ackPollMs` while it waits,
// so the caller gets the ack whichever server handled it. Both times: config/service-options.ts.
import { BadRequestException, GatewayTimeoutException, Inject, Injectable, Logger, NotFoundException, ServiceUnavailableException, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { buildTopic, type GateAck, type GateCommand, type GateCommandDto, type GateOpenResult } from '@estate-watch/contracts';
import { MQTT_TRANSPORT, type MqttTransport } from '../broker/mqtt-transport';
import { CLOCK, type Clock } from '../common/clock';
import { GATE_COMMAND_OPTIONS, type GateCommandOptions } from '../config/service-options';
import type { AcceptedMessage, MessageHandler, MessageSelector } from '../ingest/accepted-message';
import { IngestHandler } from '../ingest/ingest-handler';
import { SitesService } from '../sites/sites.service';
import { GateCommandsRepository } from './gate-commands.repository';

interface Waiter {
  siteId: string;
  gateId: string;
  resolve(ack: { ok: boolean; error?: string; ackedAt: Date }): void;
}

@IngestHandler()
@Injectable()
export class GateCommandsService implements MessageHandler, OnModuleDestroy {
  readonly name = 'gate-commands';
  readonly selects: MessageSelector = { kinds: ['gate'], streams: ['ack'] };
  private readonly log = new Logger(GateCommandsService.name);
  private readonly waiters = new Map<string, Waiter>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly repo: GateCommandsRepository,
    private readonly sites: SitesService,
    @Inject(MQTT_TRANSPORT) private readonly mqtt: MqttTransport,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(GATE_COMMAND_OPTIONS) private readonly options: GateCommandOptions,
  ) {}

  async open(gateId: string, siteId: string | undefined, by: string, reason: string): Promise<GateOpenResult> {
    const site = this.gateSite(gateId, siteId);
    const command: GateCommand = { id: `cmd-${randomUUID()}`, ts: this.clock.now().toISOString(), action: 'open', by, reason };
    await this.repo.insert({ id: command.id, siteId: site, gateId, action: 'open', by, reason, sentAt: this.clock.now() });
    // Waiting before publishing: a quick gate may ack before publish() resolves.
    const acked = new Promise<{ ok: boolean; error?: string; ackedAt: Date } | 'timeout'>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve('timeout');
      }, this.options.ackTimeoutMs);
      this.timers.add(timer);
      this.waiters.set(command.id, { siteId: site, gateId, resolve: (ack) => (clearTimeout(timer), this.timers.delete(timer), resolve(ack)) });
    });
    const stopPolling = this.pollForAck(command.id);
    try {
      await this.mqtt.publish(buildTopic({ site, kind: 'gate', device: gateId, stream: 'cmd' }), command, { qos: 1 });
    } catch (error) {
      this.waiters.get(command.id)?.resolve({ ok: false, ackedAt: this.clock.now() });
      this.waiters.delete(command.id);
      await this.repo.finish(command.id, 'failed', `not published: ${(error as Error).message}`.slice(0, 500));
      throw new ServiceUnavailableException(`command not sent to gate ${gateId}: the MQTT broker is not reachable (${(error as Error).message})`);
    }
    const ack = await acked;
    stopPolling();
    this.waiters.delete(command.id);
    if (ack === 'timeout') {
      const seconds = this.options.ackTimeoutMs / 1000;
      if (await this.repo.finish(command.id, 'timeout', `no ack within ${seconds} s`)) {
        throw new GatewayTimeoutException(`gate ${gateId} did not acknowledge command ${command.id} within ${seconds} s: it may be offline or unable to open; check it on site (the command is recorded as timed out)`);
      }
      // The ack was recorded by another instance at the last moment.
      const recorded = await this.repo.find(command.id);
      return { commandId: command.id, ok: recorded?.result === 'acked', error: recorded?.error, ackedAt: recorded?.ackedAt ?? this.clock.now().toISOString() };
    }
    return { commandId: command.id, ok: ack.ok, error: ack.error, ackedAt: ack.ackedAt.toISOString() };
  }

  /** Resolves the waiter when another server recorded the command's ack; returns the stop. */
  private pollForAck(commandId: string): () => void {
    const every = this.options.ackPollMs;
    if (every === undefined) return () => undefined;
    const poll = setInterval(() => {
      void this.repo.find(commandId).then(
        (recorded) => {
          if (!recorded || recorded.result === 'pending' || !recorded.ackedAt) return;
          this.waiters.get(commandId)?.resolve({ ok: recorded.result === 'acked', error: recorded.error, ackedAt: new Date(recorded.ackedAt) });
        },
        () => undefined,
      );
    }, every);
    this.timers.add(poll);
    return () => (clearInterval(poll), this.timers.delete(poll));
  }

  commands(gateId: string, siteId: string | undefined, limit = 100): Promise<GateCommandDto[]> {
    return this.repo.list(this.gateSite(gateId, siteId), gateId, limit);
  }

  async applyBatch(batch: readonly AcceptedMessage[]): Promise<void> {
    for (const m of batch) await this.handle(m);
  }

  /** gate/ack: the answer to a command; its `id` is the command's. Idempotent (a replay changes nothing). */
  async handle(m: AcceptedMessage): Promise<void> {
    if (m.kind !== 'gate' || m.stream !== 'ack' || !m.msgId) return;
    const ack = m.payload as GateAck;
    const recorded = await this.repo.recordAck(ack.id, m.siteId, m.deviceId, ack.ok, ack.error, m.receivedAt);
    const waiter = this.waiters.get(ack.id);
    if (!waiter || waiter.siteId !== m.siteId || waiter.gateId !== m.deviceId) {
      if (!recorded) this.log.warn(`ack ${ack.id} from ${m.siteId}:${m.deviceId} answers no command of that gate`);
      return;
    }
    this.waiters.delete(ack.id);
    waiter.resolve({ ok: ack.ok, error: ack.error, ackedAt: m.receivedAt });
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** The site of a gate id; ids are unique within a site, so with several sites `siteId` may be needed. */
  private gateSite(gateId: string, siteId: string | undefined): string {
    const matches = this.sites.all().filter((s) => (!siteId || s.site.id === siteId) && s.gates.some((g) => g.id === gateId));
    if (matches.length === 0) throw new NotFoundException(`no gate "${gateId}"${siteId ? ` at site ${siteId}` : ''}`);
    if (matches.length > 1) throw new BadRequestException(`gate "${gateId}" exists at sites ${matches.map((s) => s.site.id).join(', ')}: add ?siteId=`);
    return matches[0]!.site.id;
  }
}
