// What one accepted telemetry message becomes in the `telemetry` table (and in InfluxDB): one
// numeric value per metric (CONTRACT §1 payloads by kind). Pure; the payloads were validated.
import { BARRIER_VALUES, type DeviceKind, type UpstreamStream } from '@estate-watch/contracts';

export interface MetricValue {
  metric: string;
  value: number;
}

/**
 * gate → `barrier` (0 closed, 1 open, 2 fault; the fault code stays in device_messages);
 * dispenser → `level`, and `battery` when sent; sensor → each reading, booleans as 0/1 under
 * their own name. Any other stream or kind: nothing.
 */
export function telemetryValues(kind: DeviceKind, stream: UpstreamStream, payload: Record<string, unknown>): MetricValue[] {
  if (stream !== 'telemetry') return [];
  switch (kind) {
    case 'gate': {
      const code = BARRIER_VALUES[payload.barrier as keyof typeof BARRIER_VALUES];
      return code === undefined ? [] : [{ metric: 'barrier', value: code }];
    }
    case 'dispenser': {
      const out: MetricValue[] = [];
      if (typeof payload.level === 'number') out.push({ metric: 'level', value: payload.level });
      if (typeof payload.battery === 'number') out.push({ metric: 'battery', value: payload.battery });
      return out;
    }
    case 'sensor': {
      const readings = (payload.readings ?? {}) as Record<string, unknown>;
      const out: MetricValue[] = [];
      for (const [metric, raw] of Object.entries(readings)) {
        const value = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
        if (typeof value === 'number' && Number.isFinite(value)) out.push({ metric, value });
      }
      return out;
    }
    default:
      return [];
  }
}
