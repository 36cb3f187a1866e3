// The sensors of the telemetry bench, in their own process: CLIENTS MQTT.js connections, each
// publishing MESSAGES QoS 1 telemetry messages of METRICS readings, at most INFLIGHT unacknowledged.
import { connect, type MqttClient } from 'mqtt';

const PORT = Number(process.env.BENCH_PORT);
const CLIENTS = Number(process.env.CLIENTS);
const MESSAGES = Number(process.env.MESSAGES);
const METRICS = Number(process.env.METRICS);
const INFLIGHT = Number(process.env.INFLIGHT);
const MAX_SECONDS = Number(process.env.MAX_SECONDS);

function connectSensor(i: number): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = connect({ host: '127.0.0.1', port: PORT, username: `bench:s-${i}`, password: `secret-${i}`, reconnectPeriod: 0 });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

function drive(client: MqttClient, i: number, deadline: number): Promise<number> {
  const topic = `estate/v1/bench/sensor/s-${i}/telemetry`;
  let sent = 0;
  let acked = 0;
  return new Promise((resolve) => {
    const next = () => {
      if (sent >= MESSAGES || Date.now() > deadline) {
        if (acked === sent) resolve(acked);
        return;
      }
      const n = sent++;
      const readings: Record<string, number | boolean> = {};
      for (let m = 0; m < METRICS; m++) readings[`m${m}`] = m === METRICS - 1 && METRICS > 1 ? n % 7 === 0 : Math.round(Math.random() * 10_000) / 100;
      client.publish(topic, JSON.stringify({ id: `t-${n}`, ts: new Date().toISOString(), readings }), { qos: 1 }, () => {
        acked++;
        next();
      });
    };
    for (let k = 0; k < INFLIGHT; k++) next();
  });
}

async function main(): Promise<void> {
  const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => connectSensor(i)));
  const deadline = Date.now() + MAX_SECONDS * 1000;
  const started = performance.now();
  const counts = await Promise.all(clients.map((c, i) => drive(c, i, deadline)));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.endAsync()));
  process.send?.({ acked: counts.reduce((a, b) => a + b, 0), seconds }, () => process.exit(0));
}

void main();
