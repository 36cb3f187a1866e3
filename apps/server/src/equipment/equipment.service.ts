import { Injectable, Logger } from '@nestjs/common';
import { Subject } from 'rxjs';
import { alertMessage, type SensorDto, type SensorEvent, type SensorLimit, type SensorTelemetry, type SiteConfig } from '@estate-watch/contracts';
import { breachOf, evaluateLimit, INITIAL_LIMIT_STATE, type LimitState } from '@estate-watch/domain';
import { AlertsService, type AlertChangeRequest, type AlertWrites, type RaiseAlert } from '../alerts/alerts.service';
import { pathTrace } from '../common/path-trace';
import type { AcceptedMessage, MessageHandler, MessageSelector } from '../ingest/accepted-message';
import { IngestHandler } from '../ingest/ingest-handler';
import { SitesService } from '../sites/sites.service';
import { EquipmentRepository, toState, type Decide, type LimitRow, type MetricDecision, type ReadingsInput, type SensorInput, type SensorOutcome, type SensorRow } from './equipment.repository';

type SiteSensor = SiteConfig['sensors'][number];

/** sensor.threshold subject: one alert per (sensor, metric) — CONTRACT §4; the work-order rule takes the department from the sensor part. */
export const thresholdSubject = (sensorId: string, metric: string) => `${sensorId}:${metric}`;
export const faultSubject = (sensorId: string, code: string) => `${sensorId}:${code}`;

/**
 * Sensors (CONTRACT §1 sensor/telemetry and /event; §2 limits; §4 sensor.threshold, equipment.fault).
 * Limit states live in the database, so a restart resumes a pending forSec window. State is
 * committed once per seq, with the alerts it calls for in the same transaction; a replayed message
 * re-asserts the alerts the stored state implies (ingest/README.md).
 */
@IngestHandler()
@Injectable()
export class EquipmentService implements MessageHandler {
  readonly name = 'equipment';
  readonly selects: MessageSelector = { kinds: ['sensor'], streams: ['event', 'telemetry'] };
  /** A sensor's state and alerts are its own: an alarm's lane need not wait for other sensors' batch. */
  readonly independentDevices = true;
  /** Past-tense: sensors whose stored state a batch changed (the live gateway tells the screens). */
  readonly applied$ = new Subject<{ siteId: string; sensorId: string }>();
  /** Past-tense: a sensor whose readings, faults or limit states a batch changed (the live `sensor` event). */
  readonly changes$ = new Subject<SensorDto>();
  private readonly log = new Logger(EquipmentService.name);
  /** Sensors changed while an announcement was under way (queueAnnouncement). */
  private readonly toAnnounce = new Map<string, { siteId: string; sensorId: string }>();
  private announcing: Promise<void> | undefined;
  private sensorIndex: Map<string, SiteSensor> | undefined;
  /** Each sensor's critical limits (most have none): urgent() is asked of every reading before its commit. */
  private criticalIndex: Map<string, [metric: string, limit: SensorLimit][]> | undefined;

  constructor(
    private readonly repo: EquipmentRepository,
    private readonly alerts: AlertsService,
    private readonly sites: SitesService,
  ) {
    // A reload may add, remove or change sensors and their limits: the next reading is judged by the new ones.
    sites.replaced$.subscribe(() => ((this.sensorIndex = undefined), (this.criticalIndex = undefined)));
  }

  /**
   * What must not wait behind a backlog (issue 14): a fault, or a reading past a limit of
   * severity critical (a leak, a trapped passenger). Judged on the value alone; the rule itself
   * (forSec, state) is applied in order when the lane hands the message over.
   */
  urgent(m: Omit<AcceptedMessage, 'seq'>): boolean {
    if (m.lastWill) return false;
    if (m.stream === 'event') return (m.payload as SensorEvent).type === 'fault';
    if (m.stream !== 'telemetry') return false;
    const critical = this.criticalLimits(m.siteId, m.deviceId);
    if (!critical) return false;
    const readings = (m.payload as SensorTelemetry).readings;
    for (const [metric, limit] of critical) {
      const value = readings[metric];
      if (value !== undefined && breachOf(limit, value) !== undefined) return true;
    }
    return false;
  }

  /**
   * An alarm told to the screens before its message commits (issue 9.4; AlertsService.forewarn):
   * a fault, or a critical limit this reading raises judged against the limit's state held in
   * memory (a sensor not held: only a limit without forSec). The lane applies the message in order as
   * before and its stored raise takes the forewarned id; what it does not raise is withdrawn
   * (applyBatch settles each message it applied). Returns what withdraws it, for ingest when the
   * message is not stored.
   */
  forewarn(m: Omit<AcceptedMessage, 'seq'>): (() => void) | undefined {
    const sensor = m.lastWill || m.msgId === undefined ? undefined : this.sensor(m.siteId, m.deviceId);
    if (!sensor) return undefined;
    const at = m.observedAt ?? m.receivedAt;
    const raises: RaiseAlert[] = [];
    if (m.stream === 'event') {
      const e = m.payload as SensorEvent;
      if (e.type === 'fault') raises.push(faultAlert(m.siteId, sensor, e, at));
    } else if (m.stream === 'telemetry') {
      const readings = (m.payload as SensorTelemetry).readings;
      for (const [metric, limit] of this.criticalLimits(m.siteId, sensor.id) ?? []) {
        const value = readings[metric];
        // Not held (no message since the start): with no forSec the stored state is ok or raised,
        // and a raised one has its alert open (then nothing is told); a forSec window needs the state.
        const state = value === undefined ? undefined : (this.repo.heldLimit(m.siteId, sensor.id, metric) ?? (limit.forSec ? undefined : INITIAL_LIMIT_STATE));
        if (value === undefined || !state) continue;
        const d = evaluateLimit(limit, state, value, at);
        if (d.action === 'raise') raises.push(thresholdAlert(m.siteId, sensor, metric, limit, { ...d, value }, at));
      }
    }
    const withdraws: (() => void)[] = [];
    for (const alert of raises) {
      pathTrace.raises(m, alert);
      const withdraw = this.alerts.forewarn(alert, originOf(m));
      if (withdraw) withdraws.push(withdraw);
    }
    return withdraws.length === 0 ? undefined : () => withdraws.forEach((w) => w());
  }

  private criticalLimits(siteId: string, sensorId: string): [metric: string, limit: SensorLimit][] | undefined {
    if (!this.criticalIndex) {
      this.criticalIndex = new Map();
      for (const site of this.sites.all()) {
        for (const s of site.sensors) {
          const critical = Object.entries(s.limits).filter(([, limit]) => limit.severity === 'critical');
          if (critical.length > 0) this.criticalIndex.set(`${site.site.id}\u0000${s.id}`, critical);
        }
      }
    }
    return this.criticalIndex.get(`${siteId}\u0000${sensorId}`);
  }

  /**
   * A batch in one transaction (EquipmentRepository.applyBatch), ended after a message whose
   * state change calls for an alert; that alert is written in the same transaction and told to
   * the screens once it has committed. Its followers (the work order) run after the batch's last
   * statement, in order, and the batch returns only after them (the pipeline's cursor moves then).
   * A replayed message re-asserts what the stored state implies.
   * The live `sensor` events follow the batch without holding it (queueAnnouncement), one per
   * changed sensor, as the list answers it.
   */
  async applyBatch(batch: readonly AcceptedMessage[]): Promise<void> {
    const items: { m: AcceptedMessage; sensor: SiteSensor; input: SensorInput }[] = [];
    for (const m of batch) {
      if (m.kind !== 'sensor' || m.lastWill) continue;
      const sensor = this.sensor(m.siteId, m.deviceId);
      if (!sensor) continue;
      const base = { siteId: m.siteId, sensorId: sensor.id, seq: m.seq, at: m.observedAt ?? m.receivedAt };
      if (m.stream === 'telemetry') items.push({ m, sensor, input: { type: 'readings', ...base, readings: (m.payload as SensorTelemetry).readings } });
      else if (m.stream === 'event') {
        const e = m.payload as SensorEvent;
        items.push({ m, sensor, input: { type: 'fault', ...base, code: e.code, active: e.type === 'fault' } });
      }
    }
    const decide: Decide = (input: ReadingsInput, metric: string, state: LimitState, value: number | boolean) => {
      const limit = this.sensor(input.siteId, input.sensorId)?.limits[metric];
      return limit ? evaluateLimit(limit, state, value, input.at) : undefined;
    };
    const changed = new Map<string, { siteId: string; sensorId: string }>();
    // The followers of the batch's alerts (work orders), in order, after its last statement.
    const follows: (() => Promise<unknown>)[] = [];
    // Each statement ends after a message whose alerts must follow before the next state is stored.
    try {
      await this.applyStatements(items, decide, changed, follows);
    } catch (error) {
      // What committed before the failure has its work orders all the same: a retry finds those
      // states applied and re-asserts an alert only when none is open.
      for (const follow of follows) await follow().catch(() => undefined);
      throw error;
    }
    // As durable as before: the pipeline moves its cursor past this batch only once they ran.
    for (const follow of follows) await follow();
    const touched = new Map(items.map((i) => [`${i.m.siteId}/${i.sensor.id}`, { siteId: i.m.siteId, sensorId: i.sensor.id }]));
    for (const sensor of touched.values()) this.applied$.next(sensor);
    this.queueAnnouncement(changed.values());
  }

  /** applyBatch's statements, one after another; each alert is told the screens as its statement commits. */
  private async applyStatements(
    items: readonly { m: AcceptedMessage; sensor: SiteSensor; input: SensorInput }[],
    decide: Decide,
    changed: Map<string, { siteId: string; sensorId: string }>,
    follows: (() => Promise<unknown>)[],
  ): Promise<void> {
    for (let from = 0; from < items.length; ) {
      const first = from;
      let writes: AlertWrites | undefined;
      const alertsFor = (outcomes: readonly SensorOutcome[]) => {
        const changes = outcomes.flatMap((outcome, k) => (outcome.applied ? this.alertsOf(items[first + k]!, outcome.decisions) : []));
        writes = changes.length > 0 ? this.alerts.writes(changes) : undefined;
        return writes;
      };
      const outcomes = await this.repo.applyBatch(items.slice(from).map((i) => i.input), decide, endsTransaction, alertsFor);
      if (pathTrace.enabled) for (let k = 0; k < outcomes.length; k++) pathTrace.mark(items[from + k]!.m, 'stateCommitted');
      // The screens hear each alert as its statement commits; its work order follows after the
      // batch's last statement. Awaited here, before the next state, a lane's fault waited for its
      // clearing's work order (100-250 ms a step under load, three servers on 2 cores).
      for (const step of writes?.steps ?? []) {
        step.tell();
        follows.push(step.follow);
      }
      for (const [k, outcome] of outcomes.entries()) {
        const { m, sensor, input } = items[from + k]!;
        if (outcome.applied) changed.set(`${m.siteId}\u0000${sensor.id}`, { siteId: m.siteId, sensorId: sensor.id });
        else if (input.type === 'fault') await this.reassertFault(m, sensor, m.payload as SensorEvent, input.at);
        else await this.reassert(m.siteId, sensor, input.at);
        // Its raise, if it called for one, was announced above: anything it forewarned beyond that is withdrawn.
        if (m.msgId !== undefined && this.alerts.forewarning) this.alerts.settle(originOf(m));
      }
      from += outcomes.length;
    }
  }

  /** Resolves once every sensor changed so far has been announced (tests, shutdown). */
  async announced(): Promise<void> {
    while (this.announcing) await this.announcing;
  }

  async handle(m: AcceptedMessage): Promise<void> {
    await this.applyBatch([m]);
  }

  async list(siteId?: string): Promise<SensorDto[]> {
    const [sensors, limits] = await Promise.all([this.repo.sensors(siteId), this.repo.limits(siteId)]);
    const out: SensorDto[] = [];
    for (const site of this.sites.all()) {
      if (siteId && site.site.id !== siteId) continue;
      for (const s of site.sensors) out.push(sensorDto(site.site.id, site.site.timezone, s, sensors, limits));
    }
    return out;
  }

  /**
   * The batch does not wait for its `sensor` events: their two reads went to the back of the
   * database's queue (PGlite has one connection) behind the next grouped commits, and the next
   * batch waited behind them; at 5,000 readings a second the handler fell behind by seconds. The
   * sensors changed while an announcement is under way are announced together after it, each as
   * the list answers it then (its latest state).
   */
  private queueAnnouncement(changed: Iterable<{ siteId: string; sensorId: string }>): void {
    if (!this.changes$.observed) return;
    for (const c of changed) this.toAnnounce.set(`${c.siteId}\u0000${c.sensorId}`, c);
    if (this.announcing || this.toAnnounce.size === 0) return;
    this.announcing = (async () => {
      while (this.toAnnounce.size > 0) {
        const next = [...this.toAnnounce.values()];
        this.toAnnounce.clear();
        await this.announce(next);
      }
    })().finally(() => (this.announcing = undefined));
  }

  /** The changed sensors as the list answers them now (each revision read with its state), in two reads. */
  private async announce(changed: readonly { siteId: string; sensorId: string }[]): Promise<void> {
    if (changed.length === 0 || !this.changes$.observed) return;
    try {
      const { sensors, limits } = await this.repo.sensorsByKey(changed);
      for (const { siteId, sensorId } of changed) {
        const sensor = this.sensor(siteId, sensorId);
        if (sensor) this.changes$.next(sensorDto(siteId, this.sites.timezoneOf(siteId), sensor, sensors, limits));
      }
    } catch (error) {
      // The readings are stored and their alerts followed; a screen that missed the push reloads on reconnect.
      this.log.warn(`live sensor event for ${changed.length} sensor(s) failed: ${(error as Error).message}`);
    }
  }

  /** The alerts an applied message's state change calls for: written by its state's statement, announced after it committed. */
  private alertsOf(item: { m: AcceptedMessage; sensor: SiteSensor; input: SensorInput }, decisions: readonly MetricDecision[]): AlertChangeRequest[] {
    const { m, sensor, input } = item;
    const out: AlertChangeRequest[] = [];
    if (input.type === 'fault') {
      const e = m.payload as SensorEvent;
      // A fresh fault event of an open code is a repeat (count + 1).
      if (e.type === 'fault') {
        const alert = faultAlert(m.siteId, sensor, e, input.at);
        pathTrace.raises(m, alert);
        out.push({ raise: alert });
      } else out.push({ clear: { siteId: m.siteId, type: 'equipment.fault', subject: faultSubject(sensor.id, e.code), at: input.at } });
    }
    for (const d of decisions) {
      const limit = sensor.limits[d.metric]!;
      if (d.action === 'raise') out.push({ raise: thresholdAlert(m.siteId, sensor, d.metric, limit, d, input.at) });
      else if (d.action === 'clear') out.push({ clear: { siteId: m.siteId, type: 'sensor.threshold', subject: thresholdSubject(sensor.id, d.metric), at: input.at } });
    }
    return out;
  }

  /** On the message path twice per reading (urgent() at ingest and in the pipeline, then the batch): a map, not a scan of the site's sensors. */
  private sensor(siteId: string, sensorId: string): SiteSensor | undefined {
    if (!this.sensorIndex) {
      this.sensorIndex = new Map(this.sites.all().flatMap((site) => site.sensors.map((s) => [`${site.site.id}\u0000${s.id}`, s] as const)));
    }
    return this.sensorIndex.get(`${siteId}\u0000${sensorId}`);
  }

  /** After a crash between the state commit and the alert: the stored states say which alerts must be open. */
  private async reassert(siteId: string, sensor: SiteSensor, at: Date): Promise<void> {
    for (const row of await this.repo.limits(siteId, sensor.id)) {
      const limit = sensor.limits[row.metric];
      if (!limit) continue;
      await this.alerts.reassert(thresholdAlert(siteId, sensor, row.metric, limit, fromRow(row, limit), at), row.status === 'raised');
    }
  }

  /** A fault event applied before (a replay): its alert made to agree, a repeat not counted twice. */
  private async reassertFault(m: AcceptedMessage, sensor: SiteSensor, e: SensorEvent, at: Date): Promise<void> {
    if (e.type === 'fault_cleared') await this.alerts.clear(m.siteId, 'equipment.fault', faultSubject(sensor.id, e.code), at);
    else await this.alerts.reassert(faultAlert(m.siteId, sensor, e, at), true);
  }
}

/** Which message forewarned an alert (AlertsService.settle). */
const originOf = (m: { siteId: string; deviceId: string; msgId?: string }) => `${m.siteId}/${m.deviceId}/${m.msgId ?? ''}`;

function faultAlert(siteId: string, sensor: SiteSensor, e: Extract<SensorEvent, { type: 'fault' }>, at: Date): RaiseAlert {
  return {
    siteId,
    type: 'equipment.fault',
    subject: faultSubject(sensor.id, e.code),
    at,
    message: alertMessage(sensor.name, { type: 'equipment.fault', details: { code: e.code, text: e.text } }),
    details: { sensorId: sensor.id, code: e.code, text: e.text },
  };
}

function thresholdAlert(siteId: string, sensor: SiteSensor, metric: string, limit: SensorLimit, d: Pick<MetricDecision, 'breach' | 'value' | 'state'>, at: Date): RaiseAlert {
  const details = {
    sensorId: sensor.id,
    metric,
    value: d.value,
    breach: d.breach,
    limit: { min: limit.min, max: limit.max, equals: limit.equals, forSec: limit.forSec, hysteresis: limit.hysteresis },
    label: limit.label,
    outSince: d.state.outSince?.toISOString(),
  };
  return {
    siteId,
    type: 'sensor.threshold',
    subject: thresholdSubject(sensor.id, metric),
    at,
    severity: limit.severity,
    message: alertMessage(sensor.name, { type: 'sensor.threshold', details }),
    details,
  };
}

/** One item of GET /api/equipment and of the live `sensor` event: the site file's sensor with its stored state. */
function sensorDto(siteId: string, timezone: string, s: SiteSensor, sensors: readonly SensorRow[], limits: readonly LimitRow[]): SensorDto {
  const row = sensors.find((r) => r.site_id === siteId && r.sensor_id === s.id);
  return {
    siteId,
    timezone,
    id: s.id,
    name: s.name,
    department: s.department,
    readings: row?.readings ?? {},
    readingsAt: row?.readings_at?.toISOString(),
    faults: row?.faults ?? [],
    limits: Object.entries(s.limits).map(([metric, limit]) => {
      const state = limits.find((l) => l.site_id === siteId && l.sensor_id === s.id && l.metric === metric);
      return {
        metric,
        min: limit.min,
        max: limit.max,
        equals: limit.equals,
        forSec: limit.forSec,
        hysteresis: limit.hysteresis,
        severity: limit.severity,
        status: state?.status ?? 'ok',
        outSince: state?.out_since?.toISOString(),
        lastValue: state?.last_value ?? undefined,
        lastAt: state?.last_at?.toISOString(),
      };
    }),
    revision: row?.last_seq ?? 0,
  };
}

/** A replay, a fault event, or a reading that raises or clears: its alert comes before the next state is committed. */
function endsTransaction(input: SensorInput, outcome: SensorOutcome): boolean {
  return !outcome.applied || input.type === 'fault' || outcome.decisions.some((d) => d.action !== 'none');
}

/** What a stored raised state says about the reading that raised it (for a re-asserted alert). */
function fromRow(row: LimitRow, limit: SensorLimit): Pick<MetricDecision, 'breach' | 'value' | 'state'> {
  const value = row.last_value ?? Number.NaN;
  return { state: toState(row), value, breach: breachOf(limit, value) };
}
