import { Inject, Injectable } from '@nestjs/common';
import type { LimitDecision, LimitState } from '@estate-watch/domain';
import { DATABASE, type Database } from '../db/database';

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

  async limits(siteId?: string, sensorId?: string): Promise<LimitRow[]> {
    const rows = await this.db.query<LimitRow>(
      'SELECT * FROM sensor_limit_states WHERE ($1::text IS NULL OR site_id = $1) AND ($2::text IS NULL OR sensor_id = $2)',
      [siteId ?? null, sensorId ?? null],
    );
    return rows.map(limitRow);
  }

  /**
   * One telemetry message, once per seq, in one transaction: each metric with a limit is
   * evaluated by `decide` (the pure rule) against its stored state, and the new states saved.
   * Undefined when the seq was already applied (a replay after a crash).
   */
  async applyReadings(input: ReadingsInput, decide: (metric: string, state: LimitState, value: number | boolean) => LimitDecision | undefined): Promise<MetricDecision[] | undefined> {
    return this.db.transaction(async (tx) => {
      if (!(await claim(tx, input.siteId, input.sensorId, input.seq))) return undefined;
      await tx.query(
        `UPDATE sensor_states SET readings = readings || $3::jsonb, readings_at = GREATEST(readings_at, $4)
         WHERE site_id = $1 AND sensor_id = $2 AND (readings_at IS NULL OR readings_at <= $4)`,
        [input.siteId, input.sensorId, JSON.stringify(input.readings), input.at],
      );
      const stored = (await tx.query<LimitRow>('SELECT * FROM sensor_limit_states WHERE site_id = $1 AND sensor_id = $2 FOR UPDATE', [input.siteId, input.sensorId])).map(limitRow);
      const decisions: MetricDecision[] = [];
      for (const [metric, value] of Object.entries(input.readings)) {
        const row = stored.find((r) => r.metric === metric);
        const decision = decide(metric, row ? toState(row) : { status: 'ok' }, value);
        if (!decision) continue;
        const s = decision.state;
        await tx.query(
          `INSERT INTO sensor_limit_states (site_id, sensor_id, metric, status, out_since, last_at, last_value) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (site_id, sensor_id, metric) DO UPDATE SET status = $4, out_since = $5, last_at = $6, last_value = $7`,
          [input.siteId, input.sensorId, metric, s.status, s.outSince ?? null, s.lastAt ?? null, s.lastValue === undefined ? null : JSON.stringify(s.lastValue)],
        );
        decisions.push({ ...decision, metric, value });
      }
      return decisions;
    });
  }

  /** A fault / fault_cleared event, once per seq: the sensor's list of open fault codes. False when already applied. */
  async applyFault(siteId: string, sensorId: string, seq: number, code: string, active: boolean): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await claim(tx, siteId, sensorId, seq))) return false;
      const [row] = await tx.query<{ faults: string[] }>('SELECT faults FROM sensor_states WHERE site_id = $1 AND sensor_id = $2', [siteId, sensorId]);
      const faults = new Set(row?.faults ?? []);
      if (active) faults.add(code);
      else faults.delete(code);
      await tx.query('UPDATE sensor_states SET faults = $3 WHERE site_id = $1 AND sensor_id = $2', [siteId, sensorId, JSON.stringify([...faults].sort())]);
      return true;
    });
  }
}

async function claim(tx: { query: Database['query'] }, siteId: string, sensorId: string, seq: number): Promise<boolean> {
  await tx.query('INSERT INTO sensor_states (site_id, sensor_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [siteId, sensorId]);
  const rows = await tx.query('UPDATE sensor_states SET last_seq = $3 WHERE site_id = $1 AND sensor_id = $2 AND last_seq < $3 RETURNING sensor_id', [siteId, sensorId, seq]);
  return rows.length > 0;
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
