// The bare broker of the path bench, in its own process like the server: aedes (as the embedded
// broker uses it, no authentication, no persistence beyond memory) on a loopback port, and one
// MQTT.js QoS 1 subscriber to `estate/#`. The parent says how many messages to expect; this
// answers with the epoch ms at which the subscriber had them all.
import { createServer } from 'node:net';
import { connect } from 'mqtt';

async function main(): Promise<void> {
  // aedes 1.x is an ES module.
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const subscriber = connect({ host: '127.0.0.1', port, clientId: 'bare-subscriber', reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => (subscriber.once('connect', () => resolve()), subscriber.once('error', reject)));
  await subscriber.subscribeAsync('estate/#', { qos: 1 });

  let received = 0;
  let target = Infinity;
  subscriber.on('message', () => {
    if (++received === target) process.send?.({ doneAt: Date.now(), received });
  });
  process.on('message', (m: { expect?: number; stop?: true }) => {
    if (m.stop) {
      subscriber.end(true);
      broker.close();
      server.close();
      process.exit(0);
    }
    if (m.expect !== undefined) {
      received = 0;
      target = m.expect;
    }
  });
  process.send?.({ port });
}

void main();
