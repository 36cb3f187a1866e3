// A car-park barrier gate: pass/denied events, barrier telemetry, and remote open/close
// commands answered with an ack (CONTRACT §1 gate/*).
import type { MqttClient } from 'mqtt';
import { GateCommandSchema, MessageIdSchema, formatIssues, type GateCommand } from '@estate-watch/contracts';
import type { Cancel } from '../common/clock';
import { VirtualDevice, type DeviceContext, type DeviceSpec, type Sent } from './device';

export type Barrier = 'open' | 'closed' | 'fault';
export type Direction = 'in' | 'out';
export type Credential = 'plate' | 'card' | 'ticket' | 'remote';

export interface GateOptions {
  /** How long the barrier stays up after an `open` command before it closes by itself. */
  holdMs: number;
}

/** Commands remembered for QoS 1 redelivery: the same id is acked again, not acted on twice. */
const REMEMBERED_COMMANDS = 32;

export class VirtualGate extends VirtualDevice {
  readonly kind = 'gate' as const;
  private state: Barrier = 'closed';
  private faultCode: string | undefined;
  private cancelAutoClose: Cancel | undefined;
  private readonly answered = new Map<string, { ok: boolean; error?: string }>();

  constructor(
    spec: DeviceSpec,
    ctx: DeviceContext,
    private readonly options: GateOptions,
  ) {
    super(spec, ctx);
  }

  get barrier(): Barrier {
    return this.state;
  }

  /** A vehicle went through. */
  pass(direction: Direction, plate?: string, credential: Credential = 'plate', at?: Date | number): Promise<Sent> {
    return this.publish('event', { type: 'pass', direction, ...(plate ? { plate } : {}), credential }, { at });
  }

  /** A vehicle was refused (unknown plate, lot full, …). */
  deny(direction: Direction, plate?: string, reason?: string, at?: Date | number): Promise<Sent> {
    return this.publish('event', { type: 'denied', direction, ...(plate ? { plate } : {}), ...(reason ? { reason } : {}) }, { at });
  }

  /** Moves the barrier and reports it (telemetry on every change). `code` goes with `fault`. */
  setBarrier(state: Barrier, code?: string): Promise<Sent> {
    this.cancelAutoClose?.();
    this.cancelAutoClose = undefined;
    this.state = state;
    this.faultCode = state === 'fault' ? (code ?? 'E01') : undefined;
    return this.publish('telemetry', this.telemetry());
  }

  protected override telemetry(): Record<string, unknown> {
    return { barrier: this.state, ...(this.faultCode ? { fault: this.faultCode } : {}) };
  }

  protected override async onConnected(client: MqttClient): Promise<void> {
    await client.subscribeAsync(this.topic('cmd'), { qos: 1 });
  }

  protected override onCommand(payload: Buffer): void {
    this.handleCommand(payload).catch((err: Error) => this.report(`${this.username}: command not answered (${err.message})`));
  }

  private async handleCommand(payload: Buffer): Promise<void> {
    const json = parseJson(payload);
    const id = MessageIdSchema.safeParse((json as { id?: unknown } | undefined)?.id);
    // Without a valid id there is nothing an ack could refer to: drop, as firmware would.
    if (!id.success) return this.report(`${this.username}: ignored a command without a valid id`);
    const earlier = this.answered.get(id.data);
    if (earlier) {
      await this.ack(id.data, earlier);
      return;
    }
    const parsed = GateCommandSchema.safeParse(json);
    const outcome = parsed.success ? await this.execute(parsed.data) : { ok: false, error: `bad command: ${formatIssues(parsed.error.issues)}` };
    this.answered.set(id.data, outcome);
    if (this.answered.size > REMEMBERED_COMMANDS) this.answered.delete(this.answered.keys().next().value!);
    await this.ack(id.data, outcome);
  }

  private async execute(cmd: GateCommand): Promise<{ ok: boolean; error?: string }> {
    if (this.state === 'fault') return { ok: false, error: `barrier fault ${this.faultCode ?? ''}`.trim() };
    if (cmd.action === 'close') {
      await this.setBarrier('closed');
      return { ok: true };
    }
    await this.setBarrier('open');
    this.cancelAutoClose = this.ctx.clock.setTimer(this.options.holdMs, () => {
      this.cancelAutoClose = undefined;
      if (this.state !== 'open' || this.poweredOff) return;
      this.setBarrier('closed').catch((err: Error) => this.report(`${this.username}: close not reported (${err.message})`));
    });
    return { ok: true };
  }

  private ack(commandId: string, outcome: { ok: boolean; error?: string }): Promise<Sent> {
    return this.publish('ack', { ok: outcome.ok, ...(outcome.error ? { error: outcome.error } : {}) }, { id: commandId });
  }
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}
