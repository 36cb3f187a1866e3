import { Inject, Injectable } from '@nestjs/common';
import type { LimitDecision, LimitState } from '@estate-watch/domain';
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
   * A batch of sensor messages in seq order, in one transaction and a fixed number of
   * statements whatever its size: lock the sensors' rows (sorted, so concurrent batches cannot
   * deadlock) and read their limit states with them, judge each message against the state left
   * by the one before (the pure rule, via `decide`), write every changed state back with unnest.
   * Two statements between BEGIN and COMMIT (three the first time a sensor reports): the urgent
   * lane runs this on an alarm's way to the screens, and every round trip counts there (issue 9.4).
   * A message at or below its sensor's last_seq was applied before (a replay after a crash, or
   * the urgent lane got there first): it changes nothing and comes back `applied: false`.
   *
   * `stopAfter` ends the transaction after an input (the caller follows its alerts, then sends the
   * rest): a state change that calls for an alert is then never committed together with a later
   * one. `beforeCommit` runs in the transaction after the states are written, with the outcomes
   * of this transaction: the caller writes the alerts they call for there, so the state and its
   * alert commit together (a raise and its clear still never do: they are two transactions).
   * Answers for the inputs it applied, a prefix of `inputs`.
   */
  async applyBatch(
    inputs: readonly SensorInput[],
    decide: Decide,
    stopAfter: (input: SensorInput, outcome: SensorOutcome) => boolean = () => false,
    beforeCommit?: (tx: Queryable, outcomes: readonly SensorOutcome[]) => Promise<void>,
  ): Promise<SensorOutcome[]> {
    if (inputs.length === 0) return [];
    // Derived from messages ingest already committed: no fsync of its own (TransactionOptions.derived).
    return this.db.transaction(async (tx) => {
      const keys = [...new Map(inputs.map((i) => [key(i), i])).values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
      const { states, limits } = await lockSensors(tx, keys);
      const touched = new Set<string>();
      const changedLimits = new Set<string>();
      const outcomes: SensorOutcome[] = [];
      for (const input of inputs) {
        const outcome = applyOne(input, states.get(key(input))!, limits, decide, changedLimits);
        outcomes.push(outcome);
        if (outcome.applied) touched.add(key(input));
        if (stopAfter(input, outcome)) break;
      }
      await writeChanges(tx, [...touched].map((k) => states.get(k)!), [...changedLimits].map((lk) => ({ lk, state: limits.get(lk)! })));
      await beforeCommit?.(tx, outcomes);
      return outcomes;
    }, { derived: true });
  }
}

export type SensorInput =
  | ({ type: 'readings' } & ReadingsInput)
  | { type: 'fault'; siteId: string; sensorId: string; seq: number; at: Date; code: string; active: boolean };

export type SensorOutcome = { applied: false } | { applied: true; decisions: MetricDecision[] };

type SensorStateRow = SensorRow & { faultSet: Set<string> };

/** One input against its sensor's state (changed in place), in seq order. */
function applyOne(input: SensorInput, st: SensorStateRow, limits: Map<string, LimitState>, decide: Decide, changedLimits: Set<string>): SensorOutcome {
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
    const lk = `${key(input)}\u0000${metric}`;
    const decision = decide(input, metric, limits.get(lk) ?? { status: 'ok' }, value);
    if (!decision) continue;
    limits.set(lk, decision.state);
    changedLimits.add(lk);
    decisions.push({ ...decision, metric, value });
  }
  return { applied: true, decisions };
}

type Decide = (input: ReadingsInput, metric: string, state: LimitState, value: number | boolean) => LimitDecision | undefined;

const key = (i: { siteId: string; sensorId: string }) => `${i.siteId}\u0000${i.sensorId}`;

type SensorKey = { siteId: string; sensorId: string };

/**
 * The sensors' rows locked in key order, each with its limit states, in one statement; a sensor
 * reporting for the first time gets its row first (then one more round trip, once per sensor).
 */
async function lockSensors(tx: Queryable, keys: readonly SensorKey[]): Promise<{ states: Map<string, SensorStateRow>; limits: Map<string, LimitState> }> {
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
  const states = new Map<string, SensorStateRow>();
  const limits = new Map<string, LimitState>();
  for (const { limit_rows, ...r } of rows) {
    const row = sensorRow(r);
    const k = key({ siteId: row.site_id, sensorId: row.sensor_id });
    states.set(k, { ...row, faultSet: new Set(row.faults) });
    for (const l of limit_rows ?? []) limits.set(`${k}\u0000${l.metric}`, toState(limitRow(l)));
  }
  return { states, limits };
}

/** Every changed sensor row and limit state of a batch, in one statement. */
async function writeChanges(tx: Queryable, rows: readonly SensorStateRow[], limitStates: readonly { lk: string; state: LimitState }[]): Promise<void> {
  if (rows.length === 0 && limitStates.length === 0) return;
  const parts = limitStates.map((r) => r.lk.split('\u0000') as [string, string, string]);
  await tx.query(
    `WITH states AS (
       UPDATE sensor_states AS s SET last_seq = u.last_seq, readings = u.readings::jsonb, readings_at = u.readings_at, faults = u.faults::jsonb
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[], $6::text[]) AS u(site_id, sensor_id, last_seq, readings, readings_at, faults)
       WHERE s.site_id = u.site_id AND s.sensor_id = u.sensor_id
       RETURNING 1
     ), limits AS (
       INSERT INTO sensor_limit_states (site_id, sensor_id, metric, status, out_since, last_at, last_value)
       SELECT site_id, sensor_id, metric, status, out_since, last_at, last_value::jsonb
       FROM unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[], $13::text[])
            AS u(site_id, sensor_id, metric, status, out_since, last_at, last_value)
       ON CONFLICT (site_id, sensor_id, metric) DO UPDATE SET
         status = EXCLUDED.status, out_since = EXCLUDED.out_since, last_at = EXCLUDED.last_at, last_value = EXCLUDED.last_value
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM states) AS states, (SELECT count(*) FROM limits) AS limits`,
    [
      rows.map((r) => r.site_id),
      rows.map((r) => r.sensor_id),
      rows.map((r) => r.last_seq),
      rows.map((r) => JSON.stringify(r.readings)),
      rows.map((r) => r.readings_at?.toISOString() ?? null),
      rows.map((r) => JSON.stringify([...r.faultSet].sort())),
      parts.map((p) => p[0]),
      parts.map((p) => p[1]),
      parts.map((p) => p[2]),
      limitStates.map((r) => r.state.status),
      limitStates.map((r) => r.state.outSince?.toISOString() ?? null),
      limitStates.map((r) => r.state.lastAt?.toISOString() ?? null),
      limitStates.map((r) => (r.state.lastValue === undefined ? null : JSON.stringify(r.state.lastValue))),
    ],
  );
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
