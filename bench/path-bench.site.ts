// The path bench's site (generated, written to a temp folder as the server reads any site file),
// the payload of each kind of traffic, and the messages between the bench's processes.

export type Kind = 'gate' | 'tap' | 'level' | 'reading' | 'status';
export const KINDS: Kind[] = ['gate', 'tap', 'level', 'reading', 'status'];

export const SITE = 'bench';
export const GUARD_CARD = '04A1B2C3D4E5F6';

export interface BenchDevice {
  site: string;
  kind: 'checkpoint' | 'gate' | 'dispenser' | 'sensor';
  id: string;
  secret: string;
  /** The traffic it sends in the bench. */
  traffic: Kind;
}

export interface ClientJob {
  mode: 'burst' | 'paced';
  port: number;
  run: number;
  devices: BenchDevice[];
  /** burst: per device. */
  messages: number;
  inflight: number;
  /** paced: msg/s over all devices, for `seconds`. */
  rate: number;
  seconds: number;
}

export interface ClientReport {
  acked: number;
  startedAt: number;
  endedAt: number;
  latencies: number[];
  /** paced: messages published, and when the last was (epoch ms); `endedAt` is when the last was acknowledged. */
  sent?: number;
  sendEndedAt?: number;
}

const device = (kind: BenchDevice['kind'], id: string, traffic: Kind): BenchDevice => ({ site: SITE, kind, id, secret: `secret-${id}`, traffic });

/** `perKind` devices of each kind of traffic, the alarm sensor and the missed-window checkpoint. */
export function benchDevices(perKind: number): Record<Kind, BenchDevice[]> {
  const n = (f: (i: number) => BenchDevice) => Array.from({ length: perKind }, (_, i) => f(i));
  return {
    gate: n((i) => device('gate', `g-${i}`, 'gate')),
    tap: n((i) => device('checkpoint', `cp-${i}`, 'tap')),
    level: n((i) => device('dispenser', `d-${i}`, 'level')),
    reading: n((i) => device('sensor', `s-${i}`, 'reading')),
    status: n((i) => device('sensor', `st-${i}`, 'status')),
  };
}

export const ALARM_SENSOR = device('sensor', 'alarm-1', 'reading');
export const MISS_CHECKPOINT = 'cp-miss';

/**
 * The site file. Each gate has its own lot (capacity far above any run) so a lot's occupancy
 * counts that gate's passes; the `bench` route visits every tap checkpoint; `miss` has one
 * checkpoint with no tolerance started at each of `missStarts` (UTC "HH:MM"), so a window
 * closes on each of those minutes with no tap: a patrol.missed each time.
 */
export function siteYaml(perKind: number, missStarts: string[], extraSensors = 0): string {
  const d = benchDevices(perKind);
  const line = (x: BenchDevice, rest = '') => `  - { id: ${x.id}, name: ${x.id}, secret: ${x.secret}${rest} }`;
  const sensors = [...d.reading, ...d.status, ALARM_SENSOR].map((x) => line(x));
  for (let i = 0; i < extraSensors; i++) sensors.push(line(device('sensor', `h-${i}`, 'status')));
  return [
    `site: { id: ${SITE}, name: Bench, timezone: UTC, heartbeatSec: 60 }`,
    'departments:',
    '  - { id: security,    name: Security, sla: { acceptMin: 10, resolveMin: 60 } }',
    '  - { id: cleaning,    name: Cleaning, sla: { acceptMin: 15, resolveMin: 120 } }',
    '  - { id: engineering, name: Engineering, sla: { acceptMin: 15, resolveMin: 240 } }',
    '  - { id: parking,     name: Parking, sla: { acceptMin: 5,  resolveMin: 30 } }',
    'guards:',
    `  - { id: G01, name: Guard, card: ${GUARD_CARD} }`,
    'checkpoints:',
    ...d.tap.map((x) => line(x, ', x: 0, y: 0')),
    `  - { id: ${MISS_CHECKPOINT}, name: miss, x: 0, y: 0, secret: secret-${MISS_CHECKPOINT} }`,
    'routes:',
    `  - { id: bench, name: Bench, schedule: ["00:00"], checkpoints: [${d.tap.map((x, i) => `{ checkpoint: ${x.id}, offsetMin: ${i} }`).join(', ')}] }`,
    ...(missStarts.length > 0 ? [`  - { id: miss, name: Miss, toleranceMin: 0, schedule: [${missStarts.map((s) => `"${s}"`).join(', ')}], checkpoints: [{ checkpoint: ${MISS_CHECKPOINT}, offsetMin: 0 }] }`] : []),
    'lots:',
    ...d.gate.map((_, i) => `  - { id: lot-${i}, name: lot-${i}, capacity: 1000000000 }`),
    'gates:',
    ...d.gate.map((x, i) => line(x, `, lot: lot-${i}`)),
    'dispensers:',
    ...d.level.map((x) => line(x, ', consumable: soap')),
    'sensors:',
    ...sensors,
    '',
  ].join('\n');
}

/** The run's final value of a device's state, unique per run so "applied" is its arrival. */
export const finalLevel = (run: number) => 91 + (run % 10);
export const finalReading = (run: number) => 1000 + run;
export const finalFw = (run: number) => `r${run}-last`;

/** Message `n` of a run for a device; `last` is the run's last for it. */
export function payloadFor(d: BenchDevice, run: number, n: number, last: boolean): { stream: string; payload: Record<string, unknown> } {
  const base = { id: `r${run}-${n}`, ts: new Date().toISOString() };
  switch (d.traffic) {
    case 'gate':
      return { stream: 'event', payload: { ...base, type: 'pass', direction: 'in', credential: 'card' } };
    case 'tap':
      return { stream: 'event', payload: { ...base, type: 'tap', card: GUARD_CARD } };
    case 'level':
      return { stream: 'telemetry', payload: { ...base, level: last ? finalLevel(run) : 30 + (n % 50) } };
    case 'reading':
      return { stream: 'telemetry', payload: { ...base, readings: { temperature_c: last ? finalReading(run) : 20 + (n % 30) } } };
    case 'status':
      return { stream: 'status', payload: { ...base, online: true, fw: last ? finalFw(run) : `r${run}-${n}`, battery: 80 } };
  }
}
