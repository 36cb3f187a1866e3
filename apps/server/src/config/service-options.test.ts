import { describe, expect, it } from 'vitest';
import { clusterMode, DEFAULT_GATE_ACK_TIMEOUT_MS, gateCommandOptions } from './service-options';

describe(clusterMode.name, () => {
  it.each([
    { name: 'CLUSTER on, external broker, PostgreSQL', cluster: true, mqttUrl: 'mqtt://broker:1883', db: 'postgres', enabled: true },
    { name: 'CLUSTER unset', cluster: undefined, mqttUrl: 'mqtt://broker:1883', db: 'postgres', enabled: false },
    { name: 'CLUSTER off', cluster: false, mqttUrl: 'mqtt://broker:1883', db: 'postgres', enabled: false },
    // The embedded broker is one process's own broker.
    { name: 'no MQTT_URL', cluster: true, mqttUrl: undefined, db: 'postgres', enabled: false },
    // PGlite is one process's own database.
    { name: 'PGlite', cluster: true, mqttUrl: 'mqtt://broker:1883', db: 'pglite', enabled: false },
  ] as const)('$name → enabled $enabled', ({ cluster, mqttUrl, db, enabled }) => {
    expect(clusterMode({ cluster, mqttUrl }, { kind: db })).toEqual({ enabled });
  });
});

describe(gateCommandOptions.name, () => {
  it.each([
    { name: 'alone, defaults', gateAckTimeoutMs: undefined, clustered: false, expected: { ackTimeoutMs: DEFAULT_GATE_ACK_TIMEOUT_MS } },
    { name: 'alone, a test shortens the wait', gateAckTimeoutMs: 300, clustered: false, expected: { ackTimeoutMs: 300 } },
    // An ack ingested by another server is found in the command's audit row.
    { name: 'in a cluster the caller also polls the audit row', gateAckTimeoutMs: undefined, clustered: true, expected: { ackTimeoutMs: DEFAULT_GATE_ACK_TIMEOUT_MS, ackPollMs: 200 } },
  ])('$name', ({ gateAckTimeoutMs, clustered, expected }) => {
    expect(gateCommandOptions({ gateAckTimeoutMs }, { enabled: clustered })).toEqual(expected);
  });
});
