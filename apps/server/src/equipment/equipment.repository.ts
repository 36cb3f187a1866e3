import { Inject, Injectable } from '@nestjs/common';
import type { LimitDecision, LimitState } from '@estate-watch/domain';
import type { AlertWrites } from '../alerts/alerts.service';
import { DATABASE, type Database, type Queryable } from '../db/database';

export interface SensorRow {
  site_id: string;
  sensor_id: string;
  last_seq: number;
  readings: Record<string, number | boolean>;
  readings_at: Date | null;
  faults: string[];
}

export interface LimitRow {
  site_id: string;
  sensor_id: string;
  metric: string;
  status: LimitState['status'];
  out_since: Date | null;
  last_at: Date | null;
  last_value: number | boolean | null;
}

export interface ReadingsInput {
  siteId: string;
  sensorId: string;
  seq: number;
  at: Date;
  readings: Record<string, number | boolean>;
}

export type MetricDecision = LimitDecision & { metric: string; value: number | boolean };

/** The only place with sensor SQL: last readings, fault codes and each limit's state. */
@Injectable()
export class EquipmentRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async sensors(siteId?: string): Promise<SensorRow[]> {
    const rows = siteId
      ? await this.db.query<SensorRow>('SELECT * FROM sensor_states WHERE site_id = $1', [siteId])
      : await this.db.query<SensorRow>('SELECT * FROM sensor_states');
    return rows.map(sensorRow);
  }

  /** The states of these sensors, limit states too, in two statements whatever their number (the live `sensor` event). */
  async sensorsByKey(keys: readonly { siteId: string; sensorId: string }[]): Promise<{ sensors: SensorRow[]; limits: LimitRow[] }> {
    if (keys.length === 0) return { sensors: [], limits: [] };
    const params = [keys.map((k) => k.siteId), keys.map((k) => k.sensorId)];
    const [sensors, limits] = await Promise.all([
      this.db.query<SensorRow>('SELECT s.* FROM sensor_states s JOIN unnest($1::text[], $2::text[]) AS k(site_id, sensor_id) USING (site_id, sensor_id)', params),
      this.db.query<LimitRow>('SELECT l.* FROM sensor_limit_states l JOIN unnest($1::text[], $2::text[]) AS k(site_id, sensor_id) USING (site_id, sensor_id)', params),
    ]);
    return { sensors: sensors.map(sensorRow), limits: limits.map(limitRow) };
  }

  async limits(siteId?: string, sensorId?: string): Promise<LimitRow[]> {
    const rows = await this.db.query<LimitRow>(
      'SELECT * FROM sensor_limit_states WHERE ($1::text IS NULL OR site_id = $1) AND ($2::text IS NULL OR sensor_id = $2)',
      [siteId ?? null, sensorId ?? null],
    );
    return rows.map(limitRow);
  }

  /** One telemetry message (see applyBatch); undefined when the seq was already applied. */
  async applyReadings(input: ReadingsInput, decide: (metric: string, state: LimitState, value: number | boolean) => LimitDecision | undefined): Promise<MetricDecision[] | undefined> {
    const [outcome] = await this.applyBatch([{ type: 'readings', ...input }], (_, metric, state, value) => decide(metric, state, value));
    return outcome?.applied ? outcome.decisions : undefined;
  }

  /**
   * A batch of sensor messages in seq order: each judged against the state left by the one before
   * (the pure rule, via `decide`), every changed state and limit state written back with unnest,
   * and the alerts the changes call for (`alertsFor`) written by the same statement: a state and
   * its alert commit together or not at all (a raise and its clear never do: see `stopAfter`).
   *
   * The sensors' states are held here after each commit (this handler is their only writer, one
   * batch per sensor at a time: ingest/README.md), so a batch whose sensors are all held is one
   * statement, committed on its own without an fsync (`queryDerived`): one round trip on an
   * alarm's way to the screens instead of five (issue 9.4). That statement writes a sensor only
   * if its stored last_seq is still the one held, and fails as a whole otherwise; the states are
   * then forgotten and the batch goes the long way: a derived transaction that locks the rows
   * (sorted, so concurrent batches cannot deadlock) and reads their states first. The long way is
   * also taken for a sensor not held (the first batch after a start, or after any error) and for
   * a batch with a message its held state says was applied: a replay, which only the stored state
   * may judge (after a crash of PostgreSQL the held state may be ahead of it).
   * A message at or below its sensor's last_seq was applied before (a replay after a crash, or
   * the urgent lane got there first): it changes nothing and comes back `applied: false`.
   *
   * `stopAfter` ends the statement after an input (the caller announces its alerts, then sends the
   * rest). Answers for the inputs it applied, a prefix of `inputs`.
   */
  async applyBatch(
    inputs: readonly SensorInput[],
    decide: Decide,
    stopAfter: (input: SensorInput, outcome: SensorOutcome) => boolean = () => false,
    alertsFor?: (outcomes: readonly SensorOutcome[]) => AlertWrites | undefined,
  ): Promise<SensorOutcome[]> {
    if (inputs.length === 0) return [];
    const keys = [...new Map(inputs.map((i) => [key(i), i])).values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const held = this.heldStates(keys, inputs);
    try {
      if (held) {
        try {
          return await this.judgeAndWrite(this.db.queryDerived.bind(this.db), held, inputs, decide, stopAfter, alertsFor);
        } catch (error) {
          if (!String(error).includes(STALE)) throw error;
        }
      }
      this.forget(keys);
      // Derived from messages ingest already committed: no fsync of its own (TransactionOptions.derived).
      return await this.db.transaction(async (tx) => this.judgeAndWrite(tx.query.bind(tx), await lockSensors(tx, keys), inputs, decide, stopAfter, alertsFor), { derived: true });
    } catch (error) {
      // Committed or not, the stored states are the stored ones again: read them next time.
      this.forget(keys);
      throw error;
    }
  }

  /** Sensors' states as of their last commit here, keyed by site and sensor. */
  private readonly held = new Map<string, HeldSensor>();

  /** Copies of the held states of every key, if each is held and each input is fresh for it; otherwise undefined. */
  private heldStates(keys: readonly SensorKey[], inputs: readonly SensorInput[]): Map<string, HeldSensor> | undefined {
    const out = new Map<string, HeldSensor>();
    for (const k of keys) {
      const h = this.held.get(key(k));
      if (!h) return undefined;
      out.set(key(k), { row: { ...h.row, faultSet: new Set(h.row.faultSet) }, limits: new Map(h.limits) });
    }
    for (const i of inputs) if (i.seq <= out.get(key(i))!.row.last_seq) return undefined;
    return out;
  }

  /**
   * A limit's state as of this sensor's last commit here, or undefined when the sensor is not held
   * (the next batch reads it): for forewarning an alarm (EquipmentService.forewarn), a judgement
   * the lane repeats in order. Not a copy: the caller must not change it.
   */
  heldLimit(siteId: string, sensorId: string, metric: string): LimitState | undefined {
    const h = this.held.get(key({ siteId, sensorId }));
    return h && (h.limits.get(metric) ?? { status: 'ok' });
  }

  private forget(keys: readonly SensorKey[]): void {
    for (const k of keys) this.held.delete(key(k));
  }

  /** Judges the inputs against `states` (changed in place), writes what changed and the alerts in one statement, then holds the states. */
  private async judgeAndWrite(
    query: Queryable['query'],
    states: Map<string, HeldSensor>,
    inputs: readonly SensorInput[],
    decide: Decide,
    stopAfter: (input: SensorInput, outcome: SensorOutcome) => boolean,
    alertsFor: ((outcomes: readonly SensorOutcome[]) => AlertWrites | undefined) | undefined,
  ): Promise<SensorOutcome[]> {
    const previous = new Map([...states].map(([k, s]) => [k, s.row.last_seq]));
    const touched = new Set<string>();
    const changedLimits = new Map<string, { k: string; metric: string }>();
    const outcomes: SensorOutcome[] = [];
    for (const input of inputs) {
      const outcome = applyOne(input, states.get(key(input))!, decide, changedLimits);
      outcomes.push(outcome);
      if (outcome.applied) touched.add(key(input));
      if (stopAfter(input, outcome)) break;
    }
    const alerts = alertsFor?.(outcomes);
    await writeChanges(query, [...touched].map((k) => ({ state: states.get(k)!.row, previousSeq: previous.get(k)! })), [...changedLimits.values()].map(({ k, metric }) => ({ row: states.get(k)!.row, metric, state: states.get(k)!.limits.get(metric)! })), alerts);
    for (const [k, s] of states) this.held.set(k, s);
    return outcomes;
  }
}

export type SensorInput =
  | ({ type: 'readings' } & ReadingsInput)
  | { type: 'fault'; siteId: string; sensorId: string; seq: number; at: Date; code: string; active: boolean };

export type SensorOutcome = { applied: false } | { applied: true; decisions: MetricDecision[] };

type SensorStateRow = SensorRow & { faultSet: Set<string> };

/** A sensor's row and its limit states by metric. */
interface HeldSensor {
  row: SensorStateRow;
  limits: Map<string, LimitState>;
}

/** In the message of the error a guarded write raises when a sensor's stored state is not the one held. */
const STALE = 'sensor state is not the one held';

/** One input against its sensor's state (changed in place), in seq order. */
function applyOne(input: SensorInput, sensor: HeldSensor, decide: Decide, changedLimits: Map<string, { k: string; metric: string }>): SensorOutcome {
  const st = sensor.row;
  if (input.seq <= st.last_seq) return { applied: false };
  st.last_seq = input.seq;
  if (input.type === 'fault') {
    if (input.active) st.faultSet.add(input.code);
    else st.faultSet.delete(input.code);
    return { applied: true, decisions: [] };
  }
  if (!st.readings_at || st.readings_at.getTime() <= input.at.getTime()) {
    st.readings = { ...st.readings, ...input.readings };
    st.readings_at = input.at;
  }
  const decisions: MetricDecision[] = [];
  for (const [metric, value] of Object.entries(input.readings)) {
    const decision = decide(input, metric, sensor.limits.get(metric) ?? { status: 'ok' }, value);
    if (!decision) continue;
    changedLimits.set(`${key(input)}\u0000${metric}`, { k: key(input), metric });
    sensor.limits.set(metric, decision.state);
    decisions.push({ ...decision, metric, value });
  }
  return { applied: true, decisions };
}

export type Decide = (input: ReadingsInput, metric: string, state: LimitState, value: number | boolean) => LimitDecision | undefined;

const key = (i: { siteId: string; sensorId: string }) => `${i.siteId}\u0000${i.sensorId}`;

type SensorKey = { siteId: string; sensorId: string };

/**
 * The sensors' rows locked in key order, each with its limit states, in one statement; a sensor
 * reporting for the first time gets its row first (then one more round trip, once per sensor).
 */
async function lockSensors(tx: Queryable, keys: readonly SensorKey[]): Promise<Map<string, HeldSensor>> {
  const params = [keys.map((k) => k.siteId), keys.map((k) => k.sensorId)];
  const lock = () =>
    tx.query<SensorRow & { limit_rows: LimitRow[] | null }>(
      `SELECT s.*, (SELECT json_agg(l) FROM sensor_limit_states l WHERE l.site_id = s.site_id AND l.sensor_id = s.sensor_id) AS limit_rows
       FROM sensor_states s JOIN unnest($1::text[], $2::text[]) AS k(site_id, sensor_id) USING (site_id, sensor_id)
       ORDER BY s.site_id, s.sensor_id FOR UPDATE OF s`,
      params,
    );
  let rows = await lock();
  if (rows.length < keys.length) {
    await tx.query('INSERT INTO sensor_states (site_id, sensor_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', params);
    rows = await lock();
  }
  const states = new Map<string, HeldSensor>();
  for (const { limit_rows, ...r } of rows) {
    const row = sensorRow(r);
    const limits = new Map((limit_rows ?? []).map((l) => [l.metric, toState(limitRow(l))] as const));
    states.set(key({ siteId: row.site_id, sensorId: row.sensor_id }), { row: { ...row, faultSet: new Set(row.faults) }, limits });
  }
  return states;
}

/**
 * Every changed sensor row and limit state of a batch, and the alerts they call for, in one
 * statement. A sensor row is written only where its last_seq is still `previousSeq`; if any is
 * not, the statement fails (the cast of a text that is no number, evaluated per row so that the
 * planner cannot fold it), and nothing of it is stored.
 */
async function writeChanges(
  query: Queryable['query'],
  rows: readonly { state: SensorStateRow; previousSeq: number }[],
  limitStates: readonly { row: SensorStateRow; metric: string; state: LimitState }[],
  alerts: AlertWrites | undefined,
): Promise<void> {
  if (rows.length === 0 && limitStates.length === 0 && !alerts?.count) return;
  const params: unknown[] = [];
  const param = (value: unknown) => (params.push(value), `$${params.length}`);
  const states = `states AS (
       UPDATE sensor_states AS s SET last_seq = u.last_seq, readings = u.readings::jsonb, readings_at = u.readings_at, faults = u.faults::jsonb
       FROM unnest(${param(rows.map((r) => r.state.site_id))}::text[], ${param(rows.map((r) => r.state.sensor_id))}::text[], ${param(rows.map((r) => r.state.last_seq))}::bigint[],
                   ${param(rows.map((r) => JSON.stringify(r.state.readings)))}::text[], ${param(rows.map((r) => r.state.readings_at?.toISOString() ?? null))}::timestamptz[],
                   ${param(rows.map((r) => JSON.stringify([...r.state.faultSet].sort())))}::text[], ${param(rows.map((r) => r.previousSeq))}::bigint[])
            AS u(site_id, sensor_id, last_seq, readings, readings_at, faults, previous_seq)
       WHERE s.site_id = u.site_id AND s.sensor_id = u.sensor_id AND s.last_seq = u.previous_seq
       RETURNING 1
     )`;
  const limits = `limits AS (
       INSERT INTO sensor_limit_states (site_id, sensor_id, metric, status, out_since, last_at, last_value)
       SELECT site_id, sensor_id, metric, status, out_since, last_at, last_value::jsonb
       FROM unnest(${param(limitStates.map((l) => l.row.site_id))}::text[], ${param(limitStates.map((l) => l.row.sensor_id))}::text[], ${param(limitStates.map((l) => l.metric))}::text[],
                   ${param(limitStates.map((l) => l.state.status))}::text[], ${param(limitStates.map((l) => l.state.outSince?.toISOString() ?? null))}::timestamptz[],
                   ${param(limitStates.map((l) => l.state.lastAt?.toISOString() ?? null))}::timestamptz[],
                   ${param(limitStates.map((l) => (l.state.lastValue === undefined ? null : JSON.stringify(l.state.lastValue))))}::text[])
            AS u(site_id, sensor_id, metric, status, out_since, last_at, last_value)
       ON CONFLICT (site_id, sensor_id, metric) DO UPDATE SET
         status = EXCLUDED.status, out_since = EXCLUDED.out_since, last_at = EXCLUDED.last_at, last_value = EXCLUDED.last_value
       RETURNING 1
     )`;
  const alertSql = alerts?.sql(param) ?? { ctes: [], columns: [] };
  const written = `(SELECT count(*) FROM states)`;
  const [row] = await query<Record<string, unknown>>(
    `WITH ${[states, limits, ...alertSql.ctes].join(', ')}
     SELECT CASE WHEN ${written} = ${param(rows.length)} THEN 0 ELSE ('${STALE}: ' || ${written})::int END AS guard${alertSql.columns.map((c) => `, ${c}`).join('')}`,
    params,
  );
  alerts?.written(row!);
}

export function toState(r: LimitRow): LimitState {
  return {
    status: r.status,
    outSince: r.out_since ?? undefined,
    lastAt: r.last_at ?? undefined,
    lastValue: r.last_value ?? undefined,
  };
}

function sensorRow(r: SensorRow): SensorRow {
  return { ...r, last_seq: Number(r.last_seq), readings_at: r.readings_at && new Date(r.readings_at) };
}

function limitRow(r: LimitRow): LimitRow {
  return { ...r, out_since: r.out_since && new Date(r.out_since), last_at: r.last_at && new Date(r.last_at) };
}
