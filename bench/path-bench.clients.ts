// The devices of the path bench, in their own process so that client work does not share the
// server's (or the bare broker's) CPU time slice accounting: real MQTT.js connections over
// loopback TCP publishing QoS 1. Two modes, given by the parent over IPC:
//   burst: each device publishes `messages` with at most `inflight` unacknowledged;
//   paced: the devices together publish `rate` msg/s for `seconds` (background traffic).
// Reports acked count, publish→PUBACK latencies and the epoch ms of start and end.
import { connect, type MqttClient } from 'mqtt';
import { payloadFor, type BenchDevice, type ClientJob, type ClientReport } from './path-bench.site';

function connectDevice(port: number, d: BenchDevice, password: (d: BenchDevice) => string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = connect({ host: '127.0.0.1', port, username: `${d.site}:${d.id}`, password: password(d), reconnectPeriod: 0, keepalive: 600 });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

const topicOf = (d: BenchDevice, stream: string) => `estate/v1/${d.site}/${d.kind}/${d.id}/${stream}`;

function burst(client: MqttClient, d: BenchDevice, job: ClientJob, latencies: number[]): Promise<number> {
  let sent = 0;
  let acked = 0;
  return new Promise((resolve) => {
    const next = () => {
      if (sent >= job.messages) {
        if (acked === sent) resolve(acked);
        return;
      }
      const n = sent++;
      const { stream, payload } = payloadFor(d, job.run, n, n === job.messages - 1);
      const start = performance.now();
      client.publish(topicOf(d, stream), JSON.stringify(payload), { qos: 1 }, (error) => {
        if (!error) {
          acked++;
          if (n % 10 === 0) latencies.push(performance.now() - start);
        } else sent--;
        next();
      });
    };
    for (let k = 0; k < Math.min(job.inflight, job.messages); k++) next();
  });
}

/**
 * Publishes `rate` msg/s over all clients for `seconds`, QoS 1, not waiting for PUBACKs. What is
 * owed is counted from the clock, not per timer tick: a 10 ms timer fires after 10.5–12 ms under
 * load, and counting ticks fell ~5 % short of the rate asked (4,757 of 5,000 msg/s).
 */
async function paced(clients: MqttClient[], devices: BenchDevice[], job: ClientJob): Promise<{ acked: number; sent: number; sendEndedAt: number }> {
  const start = performance.now();
  const end = start + job.seconds * 1000;
  let n = 0;
  let acked = 0;
  let pending = 0;
  for (let now = start; now < end; now = performance.now()) {
    const owed = Math.floor((job.rate * (now - start)) / 1000);
    for (; n < owed; n++) {
      const i = n % clients.length;
      const d = devices[i] as BenchDevice;
      const { stream, payload } = payloadFor(d, job.run, Math.floor(n / clients.length), false);
      pending++;
      (clients[i] as MqttClient).publish(topicOf(d, stream), JSON.stringify(payload), { qos: 1 }, () => (acked++, pending--));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const sendEndedAt = Date.now();
  while (pending > 0) await new Promise((r) => setTimeout(r, 10));
  return { acked, sent: n, sendEndedAt };
}

process.on('message', (job: ClientJob) => {
  void (async () => {
    const clients = await Promise.all(job.devices.map((d) => connectDevice(job.port, d, (x) => x.secret)));
    const latencies: number[] = [];
    const startedAt = Date.now();
    process.send?.({ started: startedAt });
    const pacedRun = job.mode === 'paced' ? await paced(clients, job.devices, job) : undefined;
    const counts = pacedRun ? [pacedRun.acked] : await Promise.all(clients.map((c, i) => burst(c, job.devices[i] as BenchDevice, job, latencies)));
    const endedAt = Date.now();
    await Promise.all(clients.map((c) => c.endAsync()));
    const report: ClientReport = { acked: counts.reduce((a, b) => a + b, 0), startedAt, endedAt, latencies, ...(pacedRun && { sent: pacedRun.sent, sendEndedAt: pacedRun.sendEndedAt }) };
    process.send?.(report, () => process.exit(0));
  })().catch((error: unknown) => {
    console.error('bench clients:', error);
    process.exit(1);
  });
});
