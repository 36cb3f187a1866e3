// The whole server on MQTT_URL (Mosquitto on 127.0.0.1:1883, as in production): a device publishes
// to Mosquitto, the server's sharded consumers ingest it, and the alert reaches the live socket.
import { connect } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, type LiveEvents } from '@estate-watch/contracts';
import type { Socket } from 'socket.io-client';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { BrokerService } from '../../apps/server/src/broker/broker.service';
import { connectLive, login, nextEvent, startTestServer } from '../support/server';

const MOSQUITTO = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

describe('server with MQTT_URL (Mosquitto)', () => {
  let server: RunningServer;
  let live: Socket<LiveEvents>;

  beforeAll(async () => {
    server = await startTestServer({ env: { mqttUrl: MOSQUITTO } });
    live = await connectLive(server, (await login(server)).token);
  });
  afterAll(async () => {
    live?.close();
    await server?.close();
  });

  it('consumes every configured device through the external broker and raises alerts from it', async () => {
    expect(server.app.get(BrokerService).mode).toBe('external');
    const device = connect(MOSQUITTO, { clientId: `ext-test-gate-${Date.now()}`, reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => device.once('connect', () => resolve()).once('error', reject));
    try {
      const skewed = nextEvent(live, 'alert', (a) => a.type === 'device.clock_skew' && a.subject === 'gate-1');
      const id = `ext-${Date.now()}`;
      const ts = new Date(Date.now() - 300_000).toISOString();
      await device.publishAsync(buildTopic({ site: 'testsite', kind: 'gate', device: 'gate-1', stream: 'status' }), JSON.stringify({ id, ts, online: true }), { qos: 1 });
      expect(await skewed).toMatchObject({ siteId: 'testsite', severity: 'info' });
      const boiler = nextEvent(live, 'device', (d) => d.id === 'boiler-1' && (d.lastValues as { telemetry?: { readings?: { temperature_c?: number } } }).telemetry?.readings?.temperature_c === 61.5);
      await device.publishAsync(
        buildTopic({ site: 'testsite', kind: 'sensor', device: 'boiler-1', stream: 'telemetry' }),
        JSON.stringify({ id: `${id}-t`, ts: new Date().toISOString(), readings: { temperature_c: 61.5 } }),
        { qos: 1 },
      );
      await boiler;
    } finally {
      await device.endAsync();
    }
  });
});
