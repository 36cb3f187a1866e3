// Stage times of an alarm on its way through the server (issue 9.4), for the path bench
// (bench/README.md, "PATH_TRACE"). Off unless the server runs with PATH_TRACE=on; then only
// urgent messages are followed, and each gets one line on stdout once its alert went to the
// screens: `PATH_TRACE {"key":…,"stages":{…},"stall":{…}}`, each stage an epoch time in ms with
// µs precision (comparable with the bench's own clock on the same machine), and the longest
// event-loop stall since the line before; `cpu` holds the process's CPU time (user + system, ms)
// at each stage, so the work the server did between two stages can be read apart from the
// time it waited for a core on a shared machine. A diagnostic, not a metric: it is read from the
// environment here rather than through config/env.ts so that every step can ask it for free.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

export type TraceStage = 'submitted' | 'commitStarted' | 'committed' | 'laneStarted' | 'stateCommitted' | 'alertStored' | 'emitted';

interface Traced {
  siteId: string;
  deviceId: string;
  msgId?: string;
}

/** Unfinished traces kept at most (an alarm whose alert never came, e.g. a repeat of an open fault). */
const MAX_OPEN = 1000;

export class PathTrace {
  private readonly open = new Map<string, { at: Partial<Record<TraceStage, number>>; cpu: Partial<Record<TraceStage, number>> }>();
  /** Alert (site, type, subject) → the message whose alert it is. */
  private readonly alerts = new Map<string, string>();
  private readonly delay: IntervalHistogram | undefined;

  constructor(
    readonly enabled: boolean,
    private readonly write: (line: string) => void = (line) => {
      process.stdout.write(`${line}\n`);
      // Also kept in a file for a bench that does not pass the server's output on.
      if (process.env.PATH_TRACE_FILE) appendFileSync(process.env.PATH_TRACE_FILE, `${line}\n`);
    },
    private readonly now: () => number = () => performance.timeOrigin + performance.now(),
    private readonly cpuNow: () => number = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    },
  ) {
    if (!enabled) return;
    this.delay = monitorEventLoopDelay({ resolution: 1 });
    this.delay.enable();
  }

  /** Starts following an urgent message. */
  follow(m: Traced): void {
    if (!this.enabled) return;
    if (this.open.size >= MAX_OPEN) (this.open.clear(), this.alerts.clear());
    this.open.set(keyOf(m), { at: { submitted: this.now() }, cpu: { submitted: round(this.cpuNow()) } });
  }

  following(m: Traced): boolean {
    return this.enabled && this.open.size > 0 && this.open.has(keyOf(m));
  }

  /** Marks a stage of a followed message (the first time only); anything else is ignored. */
  mark(m: Traced, stage: TraceStage): void {
    // Called for every message of a batch that may hold an alarm: no key is built while none is followed.
    if (!this.enabled || this.open.size === 0) return;
    const trace = this.open.get(keyOf(m));
    if (trace) this.stamp(trace, stage);
  }

  private stamp(trace: { at: Partial<Record<TraceStage, number>>; cpu: Partial<Record<TraceStage, number>> }, stage: TraceStage): void {
    if (trace.at[stage] !== undefined) return;
    trace.at[stage] = this.now();
    trace.cpu[stage] = round(this.cpuNow());
  }

  /** The alert this followed message is about to raise: its later stages are marked by the alert. */
  raises(m: Traced, alert: { siteId: string; type: string; subject: string }): void {
    if (this.following(m)) this.alerts.set(alertKey(alert), keyOf(m));
  }

  /** Marks a stage of the message that raised this alert; `emitted` ends its trace with one line. */
  markAlert(alert: { siteId: string; type: string; subject: string }, stage: TraceStage): void {
    if (!this.enabled) return;
    const key = this.alerts.get(alertKey(alert));
    const trace = key === undefined ? undefined : this.open.get(key);
    if (!trace || key === undefined) return;
    this.stamp(trace, stage);
    if (stage !== 'emitted') return;
    this.open.delete(key);
    this.alerts.delete(alertKey(alert));
    const stall = { maxMs: round((this.delay?.max ?? 0) / 1e6), p99Ms: round((this.delay?.percentile(99) ?? 0) / 1e6) };
    this.delay?.reset();
    this.write(`PATH_TRACE ${JSON.stringify({ key, stages: trace.at, cpu: trace.cpu, stall })}`);
  }
}

const keyOf = (m: Traced) => `${m.siteId}/${m.deviceId}/${m.msgId ?? ''}`;
const alertKey = (a: { siteId: string; type: string; subject: string }) => `${a.siteId}\u0000${a.type}\u0000${a.subject}`;
const round = (x: number) => Math.round(x * 1000) / 1000;

export const pathTrace = new PathTrace(process.env.PATH_TRACE === 'on');
