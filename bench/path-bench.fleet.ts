// A share of the path bench's fleet (issue 9 point 5), in its own process: many MQTT.js
// connections, one per device. Told over IPC:
//   {connect}  connect every device, answer when all are. As a real device does, each publishes its
//              status on connect and then every `heartbeatSec` from that moment on (its own timer),
//              so a device that connected early is not silent while the others still connect;
//              once all are connected, `rate` msg/s of telemetry over the devices, until {stop};
//   {storm}    every connection dropped at once (socket destroyed, no DISCONNECT), then every device
//              connects again (status on connect, heartbeats from then); answer when all are back;
//   {stop}     end, answer with counts.
import { connect, type MqttClient } from 'mqtt';
import type { BenchDevice } from './path-bench.site';

interface Command {
  connect?: { port: number; devices: BenchDevice[]; heartbeatSec: number; rate: number };
  storm?: true;
  stop?: true;
}

let port = 0;
let devices: BenchDevice[] = [];
let clients: MqttClient[] = [];
let heartbeatSec = 60;
let rate = 0;
let seq = 0;
let acked = 0;
let failed = 0;
let timers: NodeJS.Timeout[] = [];
/** Each connected device's heartbeat timer, by device index. */
let beats: (NodeJS.Timeout | undefined)[] = [];

const topic = (d: BenchDevice, stream: string) => `estate/v1/${d.site}/${d.kind}/${d.id}/${stream}`;

function publish(client: MqttClient, d: BenchDevice, stream: string, body: Record<string, unknown>): void {
  if (!client.connected) return;
  client.publish(topic(d, stream), JSON.stringify({ id: `f${process.pid}-${seq++}`, ts: new Date().toISOString(), ...body }), { qos: 1 }, (error) => (error ? failed++ : acked++));
}

function connectOne(d: BenchDevice, i: number): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = connect({ host: '127.0.0.1', port, username: `${d.site}:${d.id}`, password: d.secret, clientId: `fleet-${d.id}`, reconnectPeriod: 0, keepalive: 120, connectTimeout: 60_000 });
    const fail = (error: Error) => {
      client.end(true);
      reject(error);
    };
    client.once('connect', () => {
      publish(client, d, 'status', { online: true, fw: 'fleet' });
      clearInterval(beats[i]);
      beats[i] = setInterval(() => publish(client, d, 'status', { online: true, fw: 'fleet' }), heartbeatSec * 1000);
      resolve(client);
    });
    client.once('error', fail);
    // With reconnectPeriod 0, a CONNACK that does not come within connectTimeout closes the socket
    // without an error: the attempt would wait for ever (and its slot of connectAll with it).
    client.once('close', () => fail(new Error(`${d.id}: closed before CONNACK`)));
  });
}

/** All devices, at most `parallel` handshakes at a time. */
async function connectAll(parallel: number): Promise<MqttClient[]> {
  const out: MqttClient[] = new Array(devices.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < devices.length; i = next++) {
        for (let attempt = 0; ; attempt++) {
          try {
            out[i] = await connectOne(devices[i] as BenchDevice, i);
            break;
          } catch (error) {
            if (attempt >= 50) throw error;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      }
    }),
  );
  return out;
}

function stopBeats(): void {
  for (const t of beats) clearInterval(t);
  beats = [];
}

/** Telemetry: `rate` msg/s spread over the devices (heartbeats are each device's own: connectOne). */
function startTraffic(): void {
  let owedReadings = 0;
  let reading = 0;
  timers.push(
    setInterval(() => {
      for (owedReadings += rate / 10; owedReadings >= 1; owedReadings--, reading++) {
        const i = (reading * 7919) % devices.length;
        publish(clients[i] as MqttClient, devices[i] as BenchDevice, 'telemetry', { readings: { temperature_c: 20 + (reading % 10) } });
      }
    }, 100),
  );
}

process.on('message', (m: Command) => {
  void (async () => {
    if (m.connect) {
      ({ port, devices, heartbeatSec, rate } = m.connect);
      const t0 = Date.now();
      clients = await connectAll(100);
      process.send?.({ connected: clients.length, ms: Date.now() - t0 });
      startTraffic();
    } else if (m.storm) {
      const t0 = Date.now();
      stopBeats();
      for (const c of clients) c.stream.destroy();
      for (const c of clients) c.end(true);
      clients = await connectAll(200);
      process.send?.({ reconnected: clients.length, ms: Date.now() - t0 });
    } else if (m.stop) {
      for (const t of timers) clearInterval(t);
      timers = [];
      stopBeats();
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      process.send?.({ acked, failed }, () => process.exit(0));
    }
  })().catch((error: unknown) => {
    console.error('fleet:', error);
    process.exit(1);
  });
});
