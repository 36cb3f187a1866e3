// The devices of the ingest bench, in their own process: CLIENTS MQTT.js connections, each
// publishing MESSAGES QoS 1 taps with at most INFLIGHT unacknowledged. Reports to the parent.
import { connect, type MqttClient } from 'mqtt';

const HOST = process.env.BENCH_HOST ?? '127.0.0.1';
const PORT = Number(process.env.BENCH_PORT);
const CLIENTS = Number(process.env.CLIENTS);
const MESSAGES = Number(process.env.MESSAGES);
const INFLIGHT = Number(process.env.INFLIGHT);
const MAX_SECONDS = Number(process.env.MAX_SECONDS);
/** Message ids are `${ID_PREFIX}-n`: a warm-up burst uses another prefix, so its ids are not repeats. */
const ID_PREFIX = process.env.ID_PREFIX ?? 'm';

function connectDevice(i: number): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = connect({ host: HOST, port: PORT, username: `bench:cp-${i}`, password: `secret-${i}`, reconnectPeriod: 0 });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

/** Resolves with the number acknowledged; records publish→PUBACK per message. */
function drive(client: MqttClient, i: number, latencies: number[], deadline: number): Promise<number> {
  const topic = `estate/v1/bench/checkpoint/cp-${i}/event`;
  let sent = 0;
  let acked = 0;
  return new Promise((resolve) => {
    const next = () => {
      if (sent >= MESSAGES || Date.now() > deadline) {
        if (acked === sent) resolve(acked);
        return;
      }
      const n = sent++;
      const payload = JSON.stringify({ id: `${ID_PREFIX}-${n}`, ts: new Date().toISOString(), type: 'tap', card: '04A1B2C3D4E5' });
      const start = performance.now();
      client.publish(topic, payload, { qos: 1 }, (error) => {
        if (!error) latencies.push(performance.now() - start);
        acked++;
        next();
      });
    };
    for (let k = 0; k < INFLIGHT; k++) next();
  });
}

async function main(): Promise<void> {
  const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => connectDevice(i)));
  const latencies: number[] = [];
  const deadline = Date.now() + MAX_SECONDS * 1000;
  const started = performance.now();
  // Wall clock (the parent compares it with its own): when the user's wait starts.
  const firstPublishAt = Date.now();
  const counts = await Promise.all(clients.map((c, i) => drive(c, i, latencies, deadline)));
  const seconds = (performance.now() - started) / 1000;
  const lastAckAt = Date.now();
  await Promise.all(clients.map((c) => c.endAsync()));
  const cpu = process.cpuUsage();
  process.send?.({ acked: counts.reduce((a, b) => a + b, 0), seconds, latencies, cpuSeconds: (cpu.user + cpu.system) / 1e6, firstPublishAt, lastAckAt }, () => process.exit(0));
}

void main();
