// CONTRACT §1 payloads by kind → telemetry rows (issue 5.4).
import { describe, expect, it } from 'vitest';
import { telemetryValues } from './telemetry-points';

describe(telemetryValues.name, () => {
  it.each([
    { kind: 'gate', payload: { barrier: 'closed' }, expected: [{ metric: 'barrier', value: 0 }] },
    { kind: 'gate', payload: { barrier: 'open' }, expected: [{ metric: 'barrier', value: 1 }] },
    { kind: 'gate', payload: { barrier: 'fault', fault: 'E42' }, expected: [{ metric: 'barrier', value: 2 }] },
    { kind: 'dispenser', payload: { level: 0 }, expected: [{ metric: 'level', value: 0 }] },
    { kind: 'dispenser', payload: { level: 55.5, battery: 100 }, expected: [{ metric: 'level', value: 55.5 }, { metric: 'battery', value: 100 }] },
    { kind: 'sensor', payload: { readings: { t: -3.5, wet: true, dry: false } }, expected: [{ metric: 't', value: -3.5 }, { metric: 'wet', value: 1 }, { metric: 'dry', value: 0 }] },
    { kind: 'sensor', payload: { readings: {} }, expected: [] },
    { kind: 'checkpoint', payload: { type: 'tap', card: '04A1B2C3' }, expected: [] },
  ] as const)('$kind $payload', ({ kind, payload, expected }) => {
    expect(telemetryValues(kind, 'telemetry', payload)).toEqual(expected);
  });

  it('only the telemetry stream: a status with a battery is not a reading', () => {
    expect(telemetryValues('dispenser', 'status', { online: true, battery: 80 })).toEqual([]);
    expect(telemetryValues('sensor', 'event', { type: 'fault', code: 'E1' })).toEqual([]);
  });
});
